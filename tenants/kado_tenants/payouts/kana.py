"""Names in the character set of Zengin transfer files (振込許容文字), via jaconv.

A Zengin "C" field holds half-width characters of JIS X 0201 only, and banks accept fewer
still in a payee's name: the digits, upper-case A-Z, the half-width katakana ｱ-ﾝ and ｦ,
the voiced marks ﾞ ﾟ, the space and ``( ) - . / \\ , ｢ ｣`` (the backslash, 0x5C, is
printed as ¥ in JIS X 0201). Small kana are not accepted: the bank's register holds
ｶﾞﾂｺｳ for ガッコウ, so ｧｨｩｪｫｯｬｭｮ become their full-size letters. The long-vowel mark
becomes ``-`` and the middle dot ``.``, as banks register them.

Conversion is character by character, so a refusal names the character the person typed.
"""

from __future__ import annotations

import string

import jaconv

ALLOWED = frozenset(
    string.digits
    + string.ascii_uppercase
    + "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ"
    + "ﾞﾟ ()-./\\,｢｣"
)
# Full-width letters with no half-width form, or small ones banks want full-size.
_FULL_WIDTH = str.maketrans(
    {
        "ァ": "ア",
        "ィ": "イ",
        "ゥ": "ウ",
        "ェ": "エ",
        "ォ": "オ",
        "ッ": "ツ",
        "ャ": "ヤ",
        "ュ": "ユ",
        "ョ": "ヨ",
        "ヮ": "ワ",
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヰ": "イ",
        "ヱ": "エ",
        "ー": "-",
        "―": "-",
        "‐": "-",
        "−": "-",
        "・": ".",
        "￥": "\\",
        "¥": "\\",
        "\u3000": " ",
    }
)
_HALF_WIDTH = str.maketrans(
    {
        "ｧ": "ｱ",
        "ｨ": "ｲ",
        "ｩ": "ｳ",
        "ｪ": "ｴ",
        "ｫ": "ｵ",
        "ｯ": "ﾂ",
        "ｬ": "ﾔ",
        "ｭ": "ﾕ",
        "ｮ": "ﾖ",
        "ｰ": "-",
        "･": ".",
        "､": ",",
        "｡": ".",
    }
)


class KanaError(ValueError):
    """A character with no place in a Zengin name; `char` is the one the person typed."""

    def __init__(self, char: str):
        self.char = char
        super().__init__(f"{char!r} (U+{ord(char):04X}) cannot be written in a Zengin file")


def _convert_char(char: str) -> str:
    text = jaconv.hira2kata(char).translate(_FULL_WIDTH)
    text = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    return text.translate(_HALF_WIDTH).upper()


def to_zengin_kana(text: str, *, max_length: int | None = None) -> str:
    """`text` (hiragana, katakana, ASCII, full- or half-width) in the Zengin character set.

    Raises KanaError for the first character that has no Zengin form (kanji, emoji,
    lower-case Greek …). Runs of spaces become one; the result is cut to `max_length`
    characters (one byte each in Shift_JIS), as banks read only that many.
    """
    converted = []
    for char in text or "":
        half = _convert_char(char)
        if not half or any(c not in ALLOWED for c in half):
            raise KanaError(char)
        converted.append(half)
    result = " ".join("".join(converted).split())
    return result[:max_length] if max_length is not None else result
