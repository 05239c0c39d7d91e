"""Diacritics restored in labels read from OCR'd plans: "Trong méi cay phan tan" → "Trồng mới
cây phân tán".

Scanned plans lose or garble Vietnamese marks, and the parser keeps target names and titles as
read. The bot uses those as labels (confirmations, progress tables, exports), so this module
puts the marks back where it can be sure, and only there.

How it works:

* A **lexicon** written for the emulation domain (targets, agriculture, health, budget,
  administration, culture, security, units): phrases of two words or more with their proper
  spelling, a few single words that have one common spelling ("được", "nghiệp"), and words
  that are restored only when they make up the whole label ("Lợn", "Thóc": a sub-target).
* Each word of a label is read as **skeletons**: folded (no marks, no case, đ → d) and repaired
  the way :mod:`bot.core.synonyms` repairs OCR damage ("lwong" → luong, "Pang" → dang,
  "nudc" → nuoc, "t6" → to, "Ty 1€" → ti le). Exact readings cost nothing; a reading one OCR
  confusion or repair away ("méi" → moi, "gidm" → giam) costs one; a long word one or two
  letters off ("nudérc" for nước) costs two and is allowed once, inside a long phrase only.
* Lexicon phrases are matched on the skeletons, the longest cover of the label winning. A
  phrase needs at least one exact word; a place where two lexicon spellings read the same (the
  lexicon holds "trong mọi" beside "trồng mới", "công nhân" beside "công nhận") is left as it
  is. Numbers, abbreviations and unknown words are never touched; case follows the original.

Restoration is for damaged documents only: :func:`looks_ocr_damaged` tells them from clean
ones (a clean plan keeps its text byte for byte).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Levenshtein

from bot.core.synonyms import (
    _LE_AFTER_TI,
    _OCR_DIGITS,
    _SYLLABLE_REPAIRS,
    _VOWELS,
    _Y_TO_I,
    is_syllable,
    ocr_variants,
    tokenize,
)
from bot.core.text import fold

__all__ = ["Lexicon", "looks_ocr_damaged", "restore_diacritics"]

# ---------------------------------------------------------------------------------------------
# The lexicon (written for this project; entries separated by ";")
# ---------------------------------------------------------------------------------------------

_PHRASES: dict[str, str] = {
    "thi đua, khen thưởng": """
        thi đua; khen thưởng; thi đua, khen thưởng; thi đua - khen thưởng; công tác thi đua;
        công tác khen thưởng; công tác thi đua, khen thưởng; phong trào; phong trào thi đua;
        thi đua yêu nước; phong trào thi đua yêu nước; yêu nước; phát động;
        phát động phong trào; các phong trào; các phong trào thi đua; tổng kết; sơ kết;
        tổng kết phong trào; báo cáo; kế hoạch; chỉ tiêu thi đua; chỉ tiêu chủ yếu;
        các chỉ tiêu; hoàn thành chỉ tiêu; đạt chỉ tiêu; vượt chỉ tiêu; chỉ tiêu được giao;
        chỉ tiêu gia đình văn hóa; nhiệm vụ; nhiệm vụ chính trị; hoàn thành;
        hoàn thành nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành xuất sắc nhiệm vụ;
        hoàn thành vượt mức; vượt mức; trở lên; phấn đấu; giai đoạn; phương hướng;
        phương hướng, nhiệm vụ; mục tiêu; giải pháp; nhiệm vụ, giải pháp; tổ chức thực hiện;
        nội dung; yêu cầu; mục đích; mục đích, yêu cầu; tập thể; cá nhân; tập thể, cá nhân;
        điển hình tiên tiến; người tốt, việc tốt; gương người tốt, việc tốt; danh hiệu;
        danh hiệu thi đua; hình thức khen thưởng; bằng khen; giấy khen; cờ thi đua;
        chiến sĩ thi đua; chiến sĩ thi đua cơ sở; lao động tiên tiến;
        tập thể lao động tiên tiến; tập thể lao động xuất sắc; đơn vị quyết thắng;
        vững mạnh; trong sạch, vững mạnh; thực hiện; thực hiện thắng lợi; thắng lợi;
        kết quả; đổi mới; sáng tạo; đoàn kết; kỷ cương; biểu dương; tôn vinh; nhân rộng;
        hội đồng thi đua - khen thưởng; khối thi đua; cụm thi đua; đăng ký thi đua;
        chất lượng; nâng cao chất lượng; quan tâm; chỉ thị; nghị quyết; quyết định;
        bộ chính trị; ban thường vụ; ban chấp hành; thường trực; chính phủ;
        thủ tướng chính phủ; luật thi đua, khen thưởng; lĩnh vực; các lĩnh vực; mô hình;
        mô hình mới; tuyên truyền; tập huấn; hội nghị; hướng dẫn; kiểm tra; giám sát;
        đánh giá; triển khai; thực hiện tốt; khen thưởng kịp thời
    """,
    "thời gian": """
        năm {y}; trong năm {y}; đến năm {y}; ngày {n} tháng {n} năm {y}; tháng {n} năm {y};
        tháng {n}; vào năm {y}; phấn đấu đến năm {y};
        giai đoạn {y}; hằng năm; cả năm; đầu năm; cuối năm; tháng đầu năm;
        tháng cuối năm; {n} tháng đầu năm; {n} tháng cuối năm; {n} năm qua;
        {n} năm thực hiện; {n} năm giai đoạn; năm học; nhiệm kỳ; hằng quý; hằng tháng
    """,
    "bộ máy": """
        chính quyền; chính quyền xã; chính quyền thân thiện; công sở thân thiện; thân thiện;
        cơ quan; đơn vị; cơ quan, đơn vị; các cơ quan; các đơn vị; các cơ quan, đơn vị;
        doanh nghiệp; địa phương; cấp xã; cấp huyện; cấp tỉnh; trên địa bàn; địa bàn;
        ủy ban nhân dân; hội đồng nhân dân; mặt trận tổ quốc; ủy ban mặt trận tổ quốc;
        tổ chức chính trị - xã hội; các tổ chức chính trị - xã hội; chính trị - xã hội;
        đoàn thể; các đoàn thể; đảng bộ; chi bộ; đảng viên; cán bộ; công chức; viên chức;
        cán bộ, công chức; cán bộ, công chức, viên chức; người lao động; nhân dân; toàn dân;
        các ngành; ban, ngành; ban, ngành, đoàn thể; nhà nước; hội nông dân; hội phụ nữ;
        hội cựu chiến binh; đoàn thanh niên; thanh niên; phụ nữ; nông dân; cựu chiến binh;
        người cao tuổi; trưởng thôn; tổ dân phố; thôn, tổ dân phố; được công nhận;
        công nhận đạt chuẩn; cơ sở; tổ chức
    """,
    "kinh tế": """
        kinh tế - xã hội; phát triển kinh tế; phát triển kinh tế - xã hội; phát triển;
        tổng giá trị sản xuất; giá trị sản xuất; tốc độ tăng trưởng; tăng trưởng kinh tế;
        tốc độ tăng trưởng kinh tế; cơ cấu kinh tế; cơ cấu các ngành kinh tế; thương mại;
        dịch vụ; thương mại, dịch vụ; thương mại - dịch vụ; công nghiệp;
        tiểu thủ công nghiệp; công nghiệp - tiểu thủ công nghiệp; xây dựng;
        công nghiệp - xây dựng; du lịch; kinh tế hợp tác; hợp tác xã; tổ hợp tác;
        kinh tế tập thể; trang trại; gia trại; sản phẩm OCOP; làng nghề; ngành nghề nông thôn
    """,
    "nông nghiệp": """
        sản xuất; sản xuất nông nghiệp; nông nghiệp; lâm nghiệp; ngư nghiệp; thủy sản;
        nông, lâm nghiệp và thủy sản; nông nghiệp, lâm nghiệp và thủy sản; sản lượng;
        tổng sản lượng; sản lượng lương thực; tổng sản lượng lương thực; lương thực;
        lương thực có hạt; cây có hạt; lương thực cây có hạt; sản lượng lương thực có hạt;
        sản lượng lương thực cây có hạt; sản lượng thóc; sản lượng lúa; sản lượng ngô;
        lúa chất lượng cao; lúa lai; vụ đông xuân; vụ hè thu; vụ mùa; vụ đông; diện tích;
        diện tích gieo trồng; tổng diện tích gieo trồng; gieo trồng; năng suất;
        năng suất lúa; năng suất bình quân; sản phẩm; sản phẩm chủ lực; cây công nghiệp;
        cây công nghiệp hằng năm; cây công nghiệp lâu năm; cây hằng năm; cây lâu năm;
        lạc vỏ; đậu tương; đậu đỗ; khoai lang; khoai môn; cây sắn; cây mía; chè búp tươi;
        cà phê; cao su; hồ tiêu; cây dược liệu; rau màu; rau các loại; rau an toàn;
        cây ăn quả; diện tích cây ăn quả; sản lượng cây ăn quả; cây ăn quả các loại;
        sản phẩm cây ăn quả; trồng mới; trồng mới cây; trồng mới cây phân tán;
        trồng cây phân tán; cây phân tán; trồng rừng; trồng rừng tập trung; trồng rừng mới;
        rừng trồng; rừng trồng tập trung; độ che phủ rừng; tỷ lệ che phủ rừng; che phủ rừng;
        bảo vệ rừng; khoanh nuôi; chăn nuôi; phát triển chăn nuôi; tổng đàn;
        tổng đàn gia súc; đàn gia súc; gia súc; gia cầm; tổng đàn gia cầm; đàn gia cầm;
        đại gia súc; gia súc, gia cầm; trâu, bò; trâu, bò, ngựa; trâu bò; đàn trâu; đàn bò;
        đàn lợn; bò thịt; bò sinh sản; lợn nái; lợn thịt; thịt hơi;
        sản lượng thịt hơi; thịt hơi xuất chuồng; thịt hơi các loại; xuất chuồng;
        nuôi trồng thủy sản; sản lượng thủy sản; khai thác thủy sản;
        diện tích nuôi trồng thủy sản; nông thôn; nông thôn mới; xây dựng nông thôn mới;
        nông thôn mới nâng cao; nông thôn mới kiểu mẫu; xã nông thôn mới;
        đạt chuẩn nông thôn mới; tiêu chí nông thôn mới; bộ tiêu chí; tiêu chí;
        tiêu chí mới; theo tiêu chí; theo tiêu chí mới; thủy lợi; kênh mương;
        kiên cố hóa kênh mương; giao thông nông thôn; đường giao thông nông thôn;
        bê tông hóa; cơ giới hóa; khuyến nông; tiêm phòng; dịch bệnh
    """,
    "giảm nghèo, dân số, y tế": """
        giảm nghèo; mức giảm nghèo; mức giảm nghèo theo tiêu chí mới; giảm nghèo bền vững;
        hộ nghèo; hộ cận nghèo; tỷ lệ hộ nghèo; hộ nghèo giảm; giảm còn; giảm xuống;
        giảm bình quân; tỷ lệ hộ cận nghèo; giảm tỷ lệ hộ nghèo;
        thoát nghèo; hộ thoát nghèo; chuẩn nghèo; chuẩn nghèo đa chiều; nghèo đa chiều;
        tỷ lệ; tỷ lệ hộ; dân số; phát triển dân số; phát triển dân số tự nhiên;
        tỷ lệ phát triển dân số tự nhiên; tự nhiên; dân số tự nhiên; tăng dân số tự nhiên;
        tỷ lệ tăng dân số tự nhiên; tốc độ tăng dân số; mức sinh; sinh con thứ ba;
        tỷ số giới tính khi sinh; trẻ em; trẻ suy dinh dưỡng; trẻ em suy dinh dưỡng;
        suy dinh dưỡng; dinh dưỡng; dưới {n} tuổi; trẻ em dưới {n} tuổi; trẻ dưới {n} tuổi;
        trẻ suy dinh dưỡng dưới {n} tuổi; thể nhẹ cân; thể thấp còi; nhẹ cân; thấp còi;
        suy dinh dưỡng thể nhẹ cân; suy dinh dưỡng thể thấp còi; bảo hiểm y tế;
        bảo hiểm xã hội; bảo hiểm thất nghiệp; bao phủ; bao phủ bảo hiểm y tế;
        bao phủ thẻ BHYT; thẻ BHYT; thẻ bảo hiểm y tế; tham gia bảo hiểm y tế;
        tham gia BHYT; tham gia BHXH; trạm y tế; trạm y tế xã; y tế; y tế cơ sở; bác sĩ;
        giường bệnh; tiêm chủng; tiêm chủng đầy đủ; tiêm chủng mở rộng; khám chữa bệnh;
        khám sức khỏe; chăm sóc sức khỏe; sức khỏe; vệ sinh an toàn thực phẩm;
        an toàn thực phẩm; nước sạch; nước hợp vệ sinh; hộ dân; hộ gia đình; dân cư;
        khu dân cư; người dân; nhà tiêu hợp vệ sinh; người có công; bảo trợ xã hội;
        an sinh xã hội; nhà ở; xóa nhà tạm; nhà tạm, nhà dột nát
    """,
    "lao động, thu nhập": """
        lao động; việc làm; giải quyết việc làm; tạo việc làm; việc làm mới;
        được giải quyết việc làm; lao động được giải quyết việc làm;
        lao động được tạo việc làm; đào tạo nghề; lao động qua đào tạo;
        tỷ lệ lao động qua đào tạo; lao động được đào tạo; xuất khẩu lao động;
        lao động nông thôn; thu nhập; thu nhập bình quân; thu nhập bình quân đầu người;
        bình quân đầu người; đầu người; bình quân; có việc làm
    """,
    "văn hóa, thể thao": """
        văn hóa; gia đình văn hóa; hộ gia đình văn hóa; danh hiệu gia đình văn hóa;
        gia đình văn hóa tiêu biểu; bản văn hóa; thôn văn hóa; làng văn hóa;
        tổ dân phố văn hóa; khu dân cư văn hóa; cơ quan văn hóa; đơn vị văn hóa;
        cơ quan, đơn vị văn hóa; nhà văn hóa; thiết chế văn hóa; đời sống văn hóa;
        toàn dân đoàn kết xây dựng đời sống văn hóa; thể dục thể thao; thể dục, thể thao;
        văn hóa, thể thao; văn nghệ; văn hóa, văn nghệ; di tích; di sản văn hóa; lễ hội;
        ban văn hóa - xã hội
    """,
    "ngân sách, đầu tư": """
        ngân sách; ngân sách nhà nước; thu ngân sách; thu ngân sách nhà nước; chi ngân sách;
        thu - chi ngân sách; thu chi ngân sách; thu ngân sách trên địa bàn; dự toán;
        dự toán được giao; vượt dự toán; tổng thu; tổng chi; thu nội địa; giải ngân;
        tỷ lệ giải ngân; giải ngân vốn đầu tư công; vốn đầu tư công; đầu tư công;
        vốn đầu tư; nguồn vốn; huy động vốn; tổng vốn đầu tư; xây dựng cơ bản; tỷ đồng;
        triệu đồng; nghìn đồng; tiết kiệm chi
    """,
    "hành chính": """
        thủ tục hành chính; giải quyết thủ tục hành chính; thủ tục hành chính đúng hạn;
        hồ sơ thủ tục hành chính; cải cách hành chính; hành chính; đúng hạn; trước hạn;
        trễ hạn; quá hạn; đúng hạn và trước hạn; hồ sơ; hồ sơ trực tuyến;
        hồ sơ được giải quyết; tiếp nhận hồ sơ; trực tuyến; dịch vụ công;
        dịch vụ công trực tuyến; dịch vụ công trực tuyến toàn trình; toàn trình;
        bộ phận một cửa; một cửa; một cửa liên thông; chuyển đổi số; chữ ký số;
        chính quyền điện tử; chính quyền số; xã hội số; kinh tế số; văn bản điện tử;
        kiểm soát thủ tục hành chính; sự hài lòng; mức độ hài lòng
    """,
    "giáo dục": """
        giáo dục; giáo dục và đào tạo; trường học; các trường học;
        trường học đạt chuẩn quốc gia; đạt chuẩn; đạt chuẩn quốc gia; chuẩn quốc gia;
        trường đạt chuẩn; trường đạt chuẩn quốc gia; số trường; số trường đạt chuẩn;
        đạt chuẩn mức độ {n}; mức độ {n}; trường mầm non; trường tiểu học;
        trường trung học cơ sở; mầm non; tiểu học; trung học cơ sở; trung học phổ thông;
        học sinh; giáo viên; phổ cập giáo dục; xóa mù chữ; huy động trẻ;
        học sinh giỏi; tốt nghiệp; khuyến học; khuyến tài; khuyến học, khuyến tài
    """,
    "quốc phòng, an ninh": """
        quốc phòng; an ninh; quốc phòng, an ninh; quốc phòng - an ninh; an ninh trật tự;
        an ninh chính trị; trật tự an toàn xã hội; giữ vững; được giữ vững; giao quân;
        chỉ tiêu giao quân; tuyển quân; nhập ngũ; công dân nhập ngũ;
        dân quân tự vệ; lực lượng dân quân; công an; tội phạm; ma túy; tệ nạn xã hội;
        tai nạn giao thông; an toàn giao thông; trật tự an toàn giao thông;
        phòng cháy, chữa cháy; phòng cháy chữa cháy; khiếu nại; tố cáo; khiếu nại, tố cáo;
        hòa giải; hòa giải thành; tổ hòa giải; an toàn về an ninh trật tự
    """,
    "môi trường, đất đai": """
        môi trường; bảo vệ môi trường; vệ sinh môi trường; chất thải rắn;
        chất thải rắn sinh hoạt; rác thải; rác thải sinh hoạt; thu gom; thu gom, xử lý;
        được thu gom; cây xanh; đất đai; quyền sử dụng đất;
        giấy chứng nhận quyền sử dụng đất; đô thị hóa; cây xanh đô thị; phát triển đô thị;
        chỉnh trang đô thị; đô thị văn minh; nghĩa trang
    """,
    "đơn vị tính": """
        {n} tấn; {n} con; {n} cây; {n} hộ; {n} người; {n} đồng; {n} triệu đồng; {n} tỷ đồng;
        {n} xã; {n} thôn; {n} bản; {n} trường; {n} lượt; {n} học sinh; {n} lao động
    """,
}

# Real phrases that read like a lexicon phrase once marks are gone. They are in the lexicon so
# that such text is ambiguous and stays as written: "trong moi" may be "trồng mới" (plant) or
# "trong mọi" (in every); "cong nhan" may be "công nhận" or "công nhân"; "chi tieu" may be
# "chỉ tiêu" or "chi tiêu" (spending); "cong tac" may be "công tác" or "cộng tác".
_LOOKALIKES = """
    trong mọi; công nhân; công nhận; chỉ tiêu; chi tiêu; công tác; cộng tác
"""

# Single words restored anywhere: each has one spelling in common use once folded ("duoc" is
# "được"; "deu" is "đều"). Words with several ("tieu": tiêu, tiểu; "nam": nam, năm) are not here.
_WORDS = """
    các; và; được; người; đều; trên; việc; nghiệp; triển; nghèo; chuẩn; quốc; xuất; quyết;
    nước; nhiều; hoạch; luật; nhiên; thuật; nguồn; nghĩa; tốt; tiếp; trước; vực; một; không;
    hoạt; giữa
"""

# Words restored only when they are the whole label, or every item of a list that makes up the
# label ("Lợn", "Trâu, bò, ngựa"): livestock and crops named alone by sub-targets. Inside a
# sentence "lon" may as well be "lớn" and "bo" "bộ".
_WHOLE_LABEL = """
    lợn; dê; thóc; lúa; ngô; sắn; mía; chè; trâu; bò; ngựa; gà; vịt; tôm; lạc
"""

# Other correct spellings of lexicon words (old and new tone placement, y/i, the other "hằng"):
# a word already written so is kept, never "corrected" to the lexicon's spelling.
_VARIANTS = """
    hàng; hoá; hoà; thuỷ; khoẻ; tuỳ; quỹ; tỉ; kĩ; lí; sĩ; sỹ; mĩ; hoạ; thoả; xoá; loại
"""

# ---------------------------------------------------------------------------------------------
# Skeletons: what a word may read as once its marks and OCR damage are set aside
# ---------------------------------------------------------------------------------------------

_NUMBER = "{n}"
_YEAR = "{y}"
_PLACEHOLDERS = (_NUMBER, _YEAR)

# Glyphs OCR writes for marked vowels: "ti€u" (tiêu), "th¢" (thẻ), "t&" (tế), "N§i" (Nội).
_GLYPHS = str.maketrans({"€": "e", "¢": "e", "&": "e", "§": "o"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?![^\W_]|[€¢&§])|\|?(?:[^\W_]|[€¢&§])+")
_LEXICON_TOKEN = re.compile(r"\{[ny]\}|[^\W_]+")
_YEAR_TOKEN = re.compile(r"(?:19|20)\d\d")
_XA = re.compile(r"x[&43d]")  # "x&", "x4", "x3", "xd": xã
# What may stand between two words of one phrase: spaces; where the lexicon has a comma or a
# dash ("trâu, bò", "thu - chi"), also those marks. Never the end of a clause (":", ";", ".",
# brackets, quotes), and never a comma the phrase does not have ("cổ vũ, động viên").
_GAP = re.compile(r"\s+")
_MARKED_GAP = re.compile(r"\s*[,\-–—/]?\s*")
_LIST_GAP = re.compile(r"\s*[,;]\s*")  # between the items of a list label
# Repairs beyond :mod:`bot.core.synonyms`, from the seeds' damage: "nhimg" (những), "tlep"
# (tiếp), "niam" (năm), "duogc" (được), "gitta" (giữa), "clia" (của), "ctiia" (của).
_MORE_REPAIRS = (
    ("img", "ung"), ("l", "i"), ("ia", "a"), ("gc", "c"), ("itt", "u"), ("li", "u"),
    ("tii", "u"), ("il", "u"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Readings:
    """The skeletons one word of a label may stand for."""

    exact: frozenset[str]  # its own reading(s): cost 0
    near: frozenset[str]  # one OCR confusion or repair away: cost 1
    number: bool = False


def _normalised(folded: str) -> str:
    """The repairs of :func:`bot.core.synonyms.tokenize` that are not guesses: digits inside a
    word ("t6" → to, "1an" → lan), "w" for "ư" ("lwong"), "P" for "Đ" ("Pang"), "ud" for "ươ"
    ("nudc"), final y/i ("ty" → ti). Guessed vowel repairs ("cdy" → cay) only give near readings:
    "déy" may be "đều" or "đẩy"."""
    token = folded
    if any(ch.isdigit() for ch in token):
        head = "l" + token[1:] if token[0] == "1" else token
        token = "".join(ch for ch in head.replace("1", "i").translate(_OCR_DIGITS) if ch.isalpha())
    if "w" in token:
        token = "".join(
            ("" if i > 0 and token[i - 1] in _VOWELS else "u") if ch == "w" else ch
            for i, ch in enumerate(token)
        )
    if token[:1] == "p" and token[1:2] != "h" and len(token) > 1:
        token = "d" + token[1:]
    token = token[:1] + token[1:].replace("ud", "uo")
    return token[:-1] + "i" if token in _Y_TO_I else token


def _as_syllable(word: str) -> str | None:
    """The skeleton of one clean or repaired word, or None when it is not one word."""
    tokens = tokenize(word)
    if len(tokens) != 1 or tokens[0].startswith("#"):
        return None
    return tokens[0]


# A word longer than this is no syllable one repair away (the longest syllable, "nghiêng",
# has seven letters): its variants, as many as its letters, are not even tried, which keeps a
# document holding one huge "word" linear.
_MAX_REPAIRABLE = 12
# Words up to this long have their readings remembered (labels repeat their words).
_CACHED_WORD_LEN = 32


def _near(reading: str) -> set[str]:
    """Syllables one OCR confusion or repair away from *reading*."""
    if len(reading) > _MAX_REPAIRABLE:
        return set()
    found = {v for v in ocr_variants(reading) if is_syllable(v)}
    if is_syllable(reading):
        return found  # a real syllable is only changed by a confusion OCR is known to make
    head, rest = reading[:1], reading[1:]
    tried = {head + rest.replace(old, new) for old, new in (*_SYLLABLE_REPAIRS, *_MORE_REPAIRS)}
    tried |= {reading[:i] + reading[i + 1 :] for i in range(1, len(reading))}  # a stray letter
    if reading.endswith("e"):
        tried.add(reading[:-1] + "c")  # "viée", "nude": a final "c" read as "e"
    for candidate in tried:
        for form in (candidate, _as_syllable(candidate)):
            if form and is_syllable(form):
                found.add(form)
    return found


def _readings(raw: str, after_ti: bool) -> _Readings:
    """The readings of one word as OCR left it; *after_ti* when it follows "tỷ"/"tỉ"."""
    if len(raw) <= _CACHED_WORD_LEN:
        return _cached_readings(raw, after_ti)
    return _word_readings(raw, after_ti)


@lru_cache(maxsize=8192)
def _cached_readings(raw: str, after_ti: bool) -> _Readings:
    return _word_readings(raw, after_ti)


def _word_readings(raw: str, after_ti: bool) -> _Readings:
    if raw[:1].isdigit() and raw.replace(".", "").replace(",", "").isdigit():
        plain = raw.replace(".", "").replace(",", "")
        if after_ti and plain in _LE_AFTER_TI:  # "Ty 18": lệ, not a figure
            return _Readings(frozenset({"le"}), frozenset())
        year = _YEAR_TOKEN.fullmatch(raw) is not None
        return _Readings(frozenset({_NUMBER, _YEAR} if year else {_NUMBER}), frozenset(), True)
    mapped = raw.translate(_GLYPHS)
    mapped = "l" + mapped[1:] if mapped.startswith("|") else mapped
    folded = fold(mapped)
    if after_ti and folded in _LE_AFTER_TI:  # "Ty 1€", "ty I¢", "Ty I"
        return _Readings(frozenset({"le"}), frozenset())
    if _XA.fullmatch(fold(raw)):
        return _Readings(frozenset({"xa"}), frozenset())
    if not folded.isalnum() or not any(ch.isalpha() for ch in folded):
        return _Readings(frozenset(), frozenset())
    exact = {_normalised(folded)}
    if raw[:1] == "I" and raw[1:2].islower():  # "Ién": OCR read "l" as a capital I
        exact.add(_normalised("l" + folded[1:]))
    exact.discard("")
    near: set[str] = set()
    if "y" in folded:  # "ty nhién", "thyc": OCR reads "ư" as "y", even in short words
        near |= {v for v in (_normalised(folded.replace("y", "u")),) if is_syllable(v)}
    for reading in exact:
        near |= _near(reading)
        repaired = _as_syllable(reading)  # the tokenizer's guess, if it makes one
        if repaired and is_syllable(repaired):
            near.add(repaired)
    return _Readings(frozenset(exact), frozenset(near - exact))


# ---------------------------------------------------------------------------------------------
# The lexicon
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    skeleton: tuple[str, ...]  # "trong", "moi" … or a placeholder
    forms: tuple[str, ...]  # "trồng", "mới" … as written in the lexicon
    marked_gaps: tuple[bool, ...]  # a comma or dash between word k and k + 1 ("trâu, bò")


def _split(text: str) -> list[str]:
    return [e.strip() for e in text.replace("\n", " ").split(";") if e.strip()]


def _entry(phrase: str) -> _Entry:
    found = list(_LEXICON_TOKEN.finditer(phrase))
    forms = tuple(m.group(0) for m in found)
    gaps = tuple(bool(phrase[a.end() : b.start()].strip()) for a, b in pairwise(found))
    skeleton = []
    for form in forms:
        reading = form if form in _PLACEHOLDERS else _as_syllable(form)
        if reading is None:
            raise ValueError(f"lexicon word {form!r} of {phrase!r} is not one word")
        skeleton.append(reading)
    return _Entry(tuple(skeleton), forms, gaps)


@dataclass(frozen=True)
class Lexicon:
    """Phrases and words with their proper spelling, indexed by skeleton."""

    phrases: tuple[_Entry, ...]
    words: dict[str, frozenset[str]]  # skeleton → spellings (one, or the word is ambiguous)
    whole_label: dict[str, frozenset[str]]
    # Every spelling the lexicon knows, with the variants: a word written so is kept as it is.
    spellings: frozenset[str] = frozenset()
    _by_first: dict[str, tuple[_Entry, ...]] = field(init=False, repr=False, compare=False)
    # Skeletons of the lexicon's words: a word that reads as one of them is that word, and
    # reading it as another needs the support of a longer phrase ("do Thu" is not "đô thị").
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        phrases: Iterable[str],
        words: Iterable[str] = (),
        whole_label: Iterable[str] = (),
        variants: Iterable[str] = (),
    ) -> Lexicon:
        """A lexicon from phrases (two words or more), words restored anywhere, words
        restored only as a whole label, and other spellings that are correct as they stand."""
        entries = tuple(dict.fromkeys(_entry(p) for p in phrases))
        short = [e for e in entries if len(e.skeleton) < 2]
        if short:
            raise ValueError(f"lexicon phrases need two words: {short[0].forms}")
        known = {f.lower() for e in entries for f in e.forms if f not in _PLACEHOLDERS}
        known |= {w.lower() for w in (*words, *whole_label, *variants)}
        return cls(entries, _word_index(words), _word_index(whole_label), frozenset(known))

    @classmethod
    def builtin(cls) -> Lexicon:
        """The lexicon of this module (see the tables at its top)."""
        return _builtin()

    def __post_init__(self) -> None:
        index: dict[str, list[_Entry]] = {}
        for entry in self.phrases:
            index.setdefault(entry.skeleton[0], []).append(entry)
        object.__setattr__(self, "_by_first", {k: tuple(v) for k, v in index.items()})
        vocabulary = {s for e in self.phrases for s in e.skeleton if s not in _PLACEHOLDERS}
        object.__setattr__(self, "vocabulary", frozenset(vocabulary | set(self.words)))

    def _starting_with(self, readings: _Readings) -> list[_Entry]:
        """Phrases whose first word may be read from *readings*."""
        keys = readings.exact | readings.near
        return [e for key in keys for e in self._by_first.get(key, ())]

    def collisions(self) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
        """Skeletons that several phrases share (each such text is left unrestored)."""
        spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for entry in self.phrases:
            spellings.setdefault(entry.skeleton, set()).add(tuple(f.lower() for f in entry.forms))
        return {k: v for k, v in spellings.items() if len(v) > 1}


def _word_index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for word in words:
        reading = _as_syllable(word)
        if reading is None:
            raise ValueError(f"lexicon word {word!r} is not one word")
        index.setdefault(reading, set()).add(word)
    return {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=1)
def _builtin() -> Lexicon:
    phrases = [p for group in _PHRASES.values() for p in _split(group)] + _split(_LOOKALIKES)
    return Lexicon.build(phrases, _split(_WORDS), _split(_WHOLE_LABEL), _split(_VARIANTS))


# ---------------------------------------------------------------------------------------------
# Restoring a label
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    raw: str
    readings: _Readings


@dataclass(frozen=True, slots=True)
class _Match:
    start: int  # word index
    forms: tuple[str, ...]
    cost: int

    @property
    def end(self) -> int:
        return self.start + len(self.forms)


def _words(text: str) -> list[_Word]:
    out: list[_Word] = []
    previous: _Readings | None = None
    for found in _TOKEN.finditer(text):
        after_ti = previous is not None and "ti" in previous.exact
        readings = _readings(found.group(0), after_ti)
        out.append(_Word(found.start(), found.end(), found.group(0), readings))
        previous = readings
    return out


def _word_cost(word: _Word, expected: str, fuzzy: bool) -> int | None:
    """0, 1 or 2 as *word* reads *expected* exactly, nearly, or with OCR noise; else None."""
    if expected in word.readings.exact:
        return 0
    if expected in word.readings.near:
        return 1
    if fuzzy and len(expected) >= 4 and not word.readings.number:
        for reading in word.readings.exact:
            # One letter of noise in a long word, two in a very long one ("nudérc": nước).
            allowed = 2 if max(len(reading), len(expected)) >= 6 else 1
            if reading[:1] == expected[:1] and (
                Levenshtein.distance(reading, expected, score_cutoff=allowed) <= allowed
            ):
                return 2
    return None


def _phrase_cost(
    text: str, words: Sequence[_Word], start: int, entry: _Entry, vocabulary: frozenset[str]
) -> int | None:
    """The cost of reading *entry* at word *start*, or None when it does not fit there."""
    size = len(entry.skeleton)
    if start + size > len(words):
        return None
    costs: list[int] = []
    strained = 0  # words read as another word although they are a known word themselves
    for k, expected in enumerate(entry.skeleton):
        word = words[start + k]
        if k:
            gap = _MARKED_GAP if entry.marked_gaps[k - 1] else _GAP
            if not gap.fullmatch(text[words[start + k - 1].end : word.start]):
                return None
        cost = _word_cost(word, expected, fuzzy=k > 0 and size >= 3)
        if cost is None:
            return None
        if expected not in _PLACEHOLDERS:
            costs.append(cost)
            strained += cost > 0 and not word.readings.exact.isdisjoint(vocabulary)
    exact = costs.count(0)
    # A phrase needs an exact word to stand on; OCR noise, or a known word read as another,
    # only inside a longer phrase that has two exact words.
    if exact == 0 or ((costs.count(2) or strained) and (size < 3 or exact < 2)):
        return None
    if costs.count(2) > 1:
        return None
    return sum(costs)


def _matches(text: str, words: Sequence[_Word], lexicon: Lexicon) -> list[_Match]:
    """For each start and length, the one reading of the lexicon there (none if several)."""
    found: list[_Match] = []
    for start, word in enumerate(words):
        by_size: dict[int, dict[tuple[str, ...], int]] = {}
        for entry in lexicon._starting_with(word.readings):
            cost = _phrase_cost(text, words, start, entry, lexicon.vocabulary)
            if cost is not None:
                spellings = by_size.setdefault(len(entry.skeleton), {})
                key = tuple(f.lower() for f in entry.forms)
                spellings[key] = min(cost, spellings.get(key, cost))
        for spellings in by_size.values():
            best = min(spellings.values())
            winners = [forms for forms, cost in spellings.items() if cost == best]
            if len(winners) == 1:  # two spellings read alike: leave the words as they are
                found.append(_Match(start, winners[0], best))
    return found


def _best_cover(count: int, matches: Sequence[_Match]) -> list[_Match]:
    """Non-overlapping matches covering the most words (then the cheapest, then the fewest)."""
    starting: dict[int, list[_Match]] = {}
    for match in matches:
        starting.setdefault(match.start, []).append(match)
    best: list[tuple[tuple[int, int, int], list[_Match]]] = [((0, 0, 0), [])] * (count + 1)
    for i in range(count - 1, -1, -1):
        options = []
        for match in sorted(starting.get(i, []), key=lambda m: -len(m.forms)):
            (covered, cost, pieces), rest = best[match.end]
            score = (covered + len(match.forms), cost - match.cost, pieces - 1)
            options.append((score, [match, *rest]))
        options.append(best[i + 1])
        # On a tie the phrase that starts first wins, as a reader takes the words in order.
        best[i] = max(options, key=lambda option: option[0])
    return best[0][1]


def _with_case(original: str, form: str) -> str:
    """*form* in the case of *original*: "Phét" → "Phát", "TRONG" → "TRỒNG"."""
    letters = original
    if original[:1] in "I|" and not original[1:2].isupper():
        letters = original[1:]  # "Ién", "I¢", "|&n": the capital I is OCR for "l"
    letters = "".join(ch for ch in letters if ch.isalpha())
    if len(letters) >= 2 and letters.isupper():
        return form.upper()
    if letters[:1].isupper() and original[:1] == letters[:1]:
        return form[:1].upper() + form[1:]
    return form.lower()


def _replacement(word: _Word, form: str, lexicon: Lexicon) -> str:
    if form in _PLACEHOLDERS or not any(ch.islower() for ch in form):
        return word.raw  # numbers and abbreviations stay as written
    spelled = unicodedata.normalize("NFC", word.raw.lower())
    if spelled != fold(spelled) and spelled in lexicon.spellings:
        return word.raw  # already a correct spelling with marks ("hàng năm", "hoá")
    return _with_case(word.raw, form)


def _single(word: _Word, index: dict[str, frozenset[str]]) -> str | None:
    """The one spelling of a single word read exactly, if the index has one."""
    spellings = {s for r in word.readings.exact for s in index.get(r, ())}
    return next(iter(spellings)) if len(spellings) == 1 else None


def _whole_label(text: str, words: Sequence[_Word], lexicon: Lexicon) -> dict[int, str]:
    """ "Lợn", "Trâu, bò, ngựa": a label that is one word, or a list of single words."""
    gaps = [text[a.end : b.start] for a, b in pairwise(words)]
    if not words or not all(_LIST_GAP.fullmatch(gap) for gap in gaps):
        return {}
    forms = [_single(word, lexicon.whole_label) for word in words]
    if any(form is None for form in forms):
        return {}
    return {i: form for i, form in enumerate(forms) if form is not None}


# "Thu- chi", "kinh tế -xã hội": a dash glued to one word only is a spaced dash.
_LOPSIDED_DASH = re.compile(r"(?<=[^\W\d_])(?:- (?=[^\W\d_])| -(?=[^\W\d_]))")


def restore_diacritics(text: str, lexicon: Lexicon | None = None) -> str:
    """*text* with Vietnamese marks put back where the lexicon is sure of them.

    Only words are replaced (numbers, punctuation, abbreviations and unknown words stay as
    written); applying it to its own result changes nothing.
    """
    lexicon = lexicon or Lexicon.builtin()
    words = _words(text)
    forms: dict[int, str] = _whole_label(text, words, lexicon)
    if not forms:
        for match in _best_cover(len(words), _matches(text, words, lexicon)):
            for k, form in enumerate(match.forms):
                forms[match.start + k] = form
        for i, word in enumerate(words):
            if i not in forms:
                single = _single(word, lexicon.words)
                if single is not None:
                    forms[i] = single
    pieces: list[str] = []
    cursor = 0
    for i, word in enumerate(words):
        if i in forms:
            pieces.append(text[cursor : word.start])
            pieces.append(_replacement(word, forms[i], lexicon))
            cursor = word.end
    pieces.append(text[cursor:])
    return _LOPSIDED_DASH.sub(" - ", "".join(pieces))


# ---------------------------------------------------------------------------------------------
# Telling a damaged document from a clean one
# ---------------------------------------------------------------------------------------------

_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}")
# A run of letters, digits and the glyphs OCR writes for marked vowels, and the damage seen
# inside one: a digit against a letter, or such a glyph. (Matching the damage with the run
# around it in one expression backtracks over a long run once per start: quadratic.)
_WORD_RUN = re.compile(r"(?:[^\W_]|[€¢&§])+")
_DAMAGE = re.compile(r"\d[^\W\d_]|[^\W\d_]\d|[€¢&§]")


def looks_ocr_damaged(text: str) -> bool:
    """True for a document whose diacritics are lost or broken (OCR output, or typed without
    an input method); False for clean Vietnamese, which must never be altered.

    Clean Vietnamese marks most words (about nine in ten in the field documents) and has
    almost no word that is not a syllable; OCR output marks under a fifth and breaks one word
    in seven ("nudc", "t6", "ti€u").
    """
    counts = Counter(_ALPHA_WORD.findall(unicodedata.normalize("NFC", text)))
    total = sum(counts.values())
    if not total:
        return False
    marked = broken = lower = 0
    for word, count in counts.items():  # each distinct word once: documents repeat theirs
        folded = fold(word)
        marked += count * (folded != word.lower())
        if not word.isupper():
            lower += count
            broken += count * (not is_syllable(folded))
    broken += sum(1 for run in _WORD_RUN.finditer(text) if _DAMAGE.search(run.group()))
    return marked / total < 0.5 or broken / max(lower, 1) >= 0.08
