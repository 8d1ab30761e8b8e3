"""First names: those that fill GoEmotions' ``[NAME]`` masks in training (counterfactual
augmentation, emotions.train.augment), and two sets kept out of training to check that a name
never changes the answer: the Equity Evaluation Corpus' names (the bias audit) and the
behaviour suite's own.

GoEmotions masked every person's name, so a model trained on it never met a real one and a
name swap could flip its answer. Filling the masks with names of many origins and both genders
teaches that a name carries no emotion. Names that are also words (Joy, Hope, Grace) are among
them, so "Joy was furious" reads as anger.
"""

from __future__ import annotations

TRAIN_NAMES: tuple[str, ...] = (
    # English-speaking, common across the US, UK and Australia
    "Emily", "Michael", "Sarah", "David", "Jessica", "James", "Olivia", "William", "Emma", "Daniel",
    "Hannah", "Matthew", "Megan", "Christopher", "Lauren", "Thomas", "Rachel", "Joseph", "Chloe",
    "Benjamin", "Abigail", "Nicholas", "Samantha", "Tyler", "Madison", "Kevin", "Brittany", "Brandon",
    # common among African-Americans
    "Jamal", "Keisha", "DeShawn", "Tyrone", "Aaliyah", "Imani", "Darius", "Kiara", "Jalen", "Tamika",
    "Marquis", "Latonya", "Deandre", "Shanice", "Kareem", "Ayanna",
    # Hispanic
    "Jose", "Maria", "Carlos", "Ana", "Luis", "Carmen", "Javier", "Isabella", "Miguel", "Valentina",
    "Alejandro", "Camila", "Juan", "Gabriela", "Ricardo", "Elena",
    # East and South-East Asian
    "Wei", "Li", "Hiro", "Sakura", "Jin", "Minjun", "Jiwoo", "Haruto", "Yuna", "Chen", "Xiao", "Kenji",
    "Thanh", "Linh",
    # South Asian
    "Aarav", "Ananya", "Rahul", "Deepika", "Vikram", "Sanjay", "Kavya", "Rohan", "Neha", "Anil",
    # Arabic, Persian, Turkish
    "Mohammed", "Ahmed", "Layla", "Yusuf", "Zainab", "Hassan", "Noor", "Khalid", "Mariam", "Aisha",
    "Reza", "Emre",
    # African
    "Kwame", "Ngozi", "Oluwaseun", "Ama", "Kofi", "Chiamaka", "Tendai", "Zanele", "Emeka", "Nia",
    # European
    "Lukas", "Anna", "Giulia", "Francesco", "Sven", "Ingrid", "Pierre", "Amelie", "Pavel", "Katarzyna",
    "Sean", "Aoife", "Niamh", "Joao",
    # names that are also words
    "Joy", "Hope", "Grace", "Faith", "Rose", "Summer", "Angel", "Destiny", "Sunny", "Will", "Bill",
    "Mark", "Dawn", "Ivy", "Patience", "Hunter",
)  # fmt: skip

# The Equity Evaluation Corpus (Kiritchenko & Mohammad, 2018): ten first names each, common
# among African-American (AA) and European-American (EA) women and men. Never in training.
EEC_NAMES: dict[str, tuple[str, ...]] = {
    "AA female": ("Ebony", "Jasmine", "Lakisha", "Latisha", "Latoya", "Nichelle", "Shaniqua", "Shereen", "Tanisha", "Tia"),
    "AA male": ("Alonzo", "Alphonse", "Darnell", "Jamel", "Jerome", "Lamar", "Leroy", "Malik", "Terrence", "Torrance"),
    "EA female": ("Amanda", "Betsy", "Courtney", "Ellen", "Heather", "Katie", "Kristin", "Melanie", "Nancy", "Stephanie"),
    "EA male": ("Adam", "Alan", "Andrew", "Frank", "Harry", "Jack", "Josh", "Justin", "Roger", "Ryan"),
}  # fmt: skip

# The behaviour suite's name swaps: women and men of origins not in the audit, never in training.
SUITE_NAMES: tuple[str, ...] = (
    "Mateo", "Sofia", "Diego", "Lucia", "Hiroshi", "Yuki", "Mei", "Priya", "Arjun", "Fatima",
    "Omar", "Chinedu", "Amara", "Dmitri", "Siobhan", "Liam", "Aditya", "Leila", "Tariq", "Ingeborg",
)  # fmt: skip
