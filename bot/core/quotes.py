"""Quotes from plans read by OCR, shown with their diacritics restored.

:func:`bot.core.diacritics.restore_diacritics` puts marks back in target names and titles with a
lexicon of the words targets use. The passages the bot quotes in answers (who does what, how,
by when) use other words: duties, procedure, the people and bodies doing them. This module adds
those phrases to the built-in lexicon for quotes only, so a quote reads "Thường trực … có trách
nhiệm triển khai" rather than "co trach nhiem trien khai"; target names are restored as before.
The same rules hold: marks are put back only where the lexicon is sure, and a clean text is
never touched (the caller restores only plans :func:`looks_ocr_damaged` flags).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.diacritics import Lexicon, restore_diacritics

__all__ = ["quote_lexicon", "restore_quote"]

# Phrases of the parts of a plan that are quoted (written for this project; ";" separated).
_QUOTE_PHRASES = """
    trách nhiệm; có trách nhiệm; chịu trách nhiệm; lãnh đạo; chỉ đạo; lãnh đạo, chỉ đạo;
    tập trung; triển khai; triển khai thực hiện; hiệu quả; có hiệu quả; kế hoạch này;
    theo dõi; kiểm tra; theo dõi, kiểm tra; hướng dẫn; tham mưu; phối hợp; chủ trì;
    tuyên truyền; vận động; đoàn viên; hội viên; đoàn viên, hội viên; hưởng ứng;
    người đứng đầu; đề nghị; giới thiệu; điển hình; điển hình tiên tiến; tinh thần;
    các cấp; các ngành; thường xuyên; lựa chọn; đề xuất; quy định; theo quy định;
    chính trị; tổ chức chính trị - xã hội; các tổ chức chính trị - xã hội; mặt trận tổ quốc;
    hội đồng thi đua; thường trực hội đồng; định kỳ; kịp thời; tổng hợp; báo cáo kết quả;
    đăng ký; hồ sơ; hồ sơ đề nghị; thẩm định; quyết định; phát huy; vai trò;
    chủ động; tích cực; chủ động, tích cực; nhân dân; các tầng lớp nhân dân; đồng thời;
    công cụ; động lực; quản lý; phấn đấu; nâng cao; cán bộ, công chức; viên chức;
    người lao động; lực lượng vũ trang; dân tộc; các dân tộc; quyết tâm; đoàn kết;
    năng động; sáng tạo; khó khăn; vướng mắc; tháo gỡ; giải quyết; nhiệm vụ được giao;
    trưởng các ban; các ban, ngành; cơ sở; cụ thể; tiêu chí; tiêu chuẩn; thủ tục;
    quy trình; công khai; minh bạch; chính xác; đầy đủ; dân chủ; đúng đối tượng;
    UBND xã; ủy ban nhân dân xã; chủ tịch UBND xã; chủ tịch ủy ban nhân dân xã;
    văn phòng - thống kê; văn phòng thống kê; công chức nội vụ; nội vụ; sáu tháng; cả năm;
    khen thưởng xã; đúng quy định; động viên; ý nghĩa; ý nghĩa quan trọng; quan trọng
"""


@lru_cache(maxsize=1)
def quote_lexicon() -> Lexicon:
    """The built-in lexicon with the phrases of quoted passages."""
    base = Lexicon.builtin()
    extra = Lexicon.build(p.strip() for p in _QUOTE_PHRASES.split(";") if p.strip())
    return Lexicon(
        base.phrases + tuple(e for e in extra.phrases if e not in base.phrases),
        base.words,
        base.whole_label,
        base.spellings | extra.spellings,
    )


# Abbreviations written in capitals lose their "Đ" to OCR ("HDTDKT"); typed so they are
# unambiguous. And two glyph slips seen in scans of the word "xã" and "có".
_ABBREVIATIONS = {
    "HDTDKT": "HĐTĐKT",
    "TDKT": "TĐKT",
    "HDND": "HĐND",
    "CSTD": "CSTĐ",
    "LDTT": "LĐTT",
    "QSDD": "QSDĐ",
    "HDTD": "HĐTĐ",
}
_ABBREVIATION = re.compile(rf"(?<!\w)({'|'.join(_ABBREVIATIONS)})(?!\w)")
_GLYPHS = (
    (re.compile(r"(?<!\w)([Xx])&(?!\w)"), lambda m: "xã"),
    (re.compile(r"(?<!\w)[¢c]6(?!\w)"), lambda m: "có"),
    (re.compile(r"(?<!\w)C6(?!\w)"), lambda m: "Có"),
)


@lru_cache(maxsize=1024)  # the same passages are quoted again and again
def restore_quote(text: str) -> str:
    """*text* (from a plan read by OCR) with marks restored where the lexicon is sure."""
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m[1]], text)
    for pattern, repl in _GLYPHS:
        text = pattern.sub(repl, text)
    return restore_diacritics(text, quote_lexicon())
