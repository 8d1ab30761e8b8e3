"""Which emotions common emoji carry: knowledge GoEmotions barely holds (😡 three times in
43,410 training texts, 🙏 ten, 🎉 four), used to augment training (emotions.train.augment).

Keyed by CLDR short name (readable without rendering; ``emoji.emojize`` gives the character),
valued by GoEmotions labels, the emotion a writer most often means by the emoji alone. Only
emoji whose meaning is clear are listed: 🙃, 😅, 💀 or 🔥 mean too many things to teach one.
``HELD_OUT`` emoji are never used in training: the behaviour suite checks that the model reads
them from their names alone (a set it has not seen).
"""

from __future__ import annotations

import emoji

EMOJI_EMOTIONS: dict[str, tuple[str, ...]] = {
    # amusement
    ":face_with_tears_of_joy:": ("amusement",),
    ":rolling_on_the_floor_laughing:": ("amusement",),
    ":grinning_squinting_face:": ("amusement",),
    # joy
    ":grinning_face:": ("joy",),
    ":grinning_face_with_big_eyes:": ("joy",),
    ":grinning_face_with_smiling_eyes:": ("joy",),
    ":beaming_face_with_smiling_eyes:": ("joy",),
    ":smiling_face_with_smiling_eyes:": ("joy",),
    # love
    ":red_heart:": ("love",),
    ":smiling_face_with_hearts:": ("love",),
    ":smiling_face_with_heart-eyes:": ("love",),
    ":two_hearts:": ("love",),
    ":sparkling_heart:": ("love",),
    ":face_blowing_a_kiss:": ("love",),
    ":blue_heart:": ("love",),
    # sadness, grief, disappointment, remorse
    ":loudly_crying_face:": ("sadness",),
    ":crying_face:": ("sadness",),
    ":broken_heart:": ("sadness",),
    ":pensive_face:": ("sadness",),
    ":frowning_face:": ("sadness",),
    ":disappointed_face:": ("disappointment",),
    # anger, annoyance, disapproval, disgust
    ":enraged_face:": ("anger",),
    ":angry_face:": ("anger",),
    ":face_with_symbols_on_mouth:": ("anger",),
    ":unamused_face:": ("annoyance",),
    ":face_with_rolling_eyes:": ("annoyance",),
    ":thumbs_down:": ("disapproval",),
    ":nauseated_face:": ("disgust",),
    ":face_vomiting:": ("disgust",),
    # gratitude, approval, admiration, caring
    ":folded_hands:": ("gratitude",),
    ":thumbs_up:": ("approval",),
    ":OK_hand:": ("approval",),
    ":clapping_hands:": ("admiration",),
    ":star-struck:": ("admiration",),
    ":smiling_face_with_open_hands:": ("caring",),
    ":people_hugging:": ("caring",),
    # excitement, optimism, pride, relief
    ":party_popper:": ("excitement",),
    ":partying_face:": ("excitement",),
    ":confetti_ball:": ("excitement",),
    ":crossed_fingers:": ("optimism",),
    ":smiling_face_with_sunglasses:": ("pride",),
    ":relieved_face:": ("relief",),
    # fear, nervousness, surprise, confusion, curiosity, embarrassment, realization
    ":fearful_face:": ("fear",),
    ":face_screaming_in_fear:": ("fear",),
    ":anxious_face_with_sweat:": ("fear",),
    ":grimacing_face:": ("nervousness",),
    ":astonished_face:": ("surprise",),
    ":face_with_open_mouth:": ("surprise",),
    ":exploding_head:": ("surprise",),
    ":confused_face:": ("confusion",),
    ":thinking_face:": ("curiosity",),
    ":flushed_face:": ("embarrassment",),
    ":light_bulb:": ("realization",),
}

# Never used in training; the behaviour suite reads them to see whether names alone carry over.
HELD_OUT: dict[str, tuple[str, ...]] = {
    ":sad_but_relieved_face:": ("sadness",),
    ":pouting_cat:": ("anger",),
    ":heart_with_arrow:": ("love",),
    ":angry_face_with_horns:": ("anger",),
    ":crying_cat:": ("sadness",),
    ":grinning_face_with_sweat:": ("amusement",),
}


def characters(table: dict[str, tuple[str, ...]] = EMOJI_EMOTIONS) -> dict[str, tuple[str, ...]]:
    """The table keyed by the emoji characters themselves."""
    return {emoji.emojize(name): labels for name, labels in table.items()}
