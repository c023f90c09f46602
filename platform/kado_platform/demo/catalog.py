"""What the demo federation is made of: the regions, skills and work of DOMAIN.md.

Pure data, no database. The region table, the teleworker counts and the fiscal-year
figures come from the seed (Shiojiri City, KADO, 2023-08); everything else here (dates a
region joined, client names, prices) is invented to make the demo plausible.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kado_platform.regions.models import Prefecture, RegionKind
from kado_tenants.clients.models import ClientKind
from kado_tenants.orders.categories import Category

FIRST_FISCAL_YEAR = 2015
LATEST_FISCAL_YEAR = 2023
FISCAL_YEARS = tuple(range(FIRST_FISCAL_YEAR, LATEST_FISCAL_YEAR + 1))
# The demo's "today": the last day of the latest fiscal year. Orders of FY2023 stand
# where they would stand on that day, so the latest year shows every status.
AS_OF = datetime.date(LATEST_FISCAL_YEAR + 1, 3, 31)

# Federation-wide order volume per fiscal year, in yen. The seed gives three points:
# about 10M in FY2015, 200M in FY2020 and about 300M a year now (FY2023). The years
# between grow geometrically from 10M to 200M (x1.82 a year), then the growth slows.
FISCAL_YEAR_TARGETS: dict[int, int] = {
    2015: 10_000_000,
    2016: 18_000_000,
    2017: 33_000_000,
    2018: 60_000_000,
    2019: 110_000_000,
    2020: 200_000_000,
    2021: 235_000_000,
    2022: 270_000_000,
    2023: 300_000_000,
}


@dataclass(frozen=True)
class RegionSpec:
    code: str
    abbreviation: str  # prefix of order references, unique in the federation
    name: str
    name_kana: str
    name_en: str
    prefecture: str
    municipality_code: str
    kind: str
    teleworkers: int
    joined_on: datetime.date
    # Municipalities that order municipal work from this region: (name, kana, code).
    municipalities: tuple[tuple[str, str, str], ...]

    @property
    def share_weight(self) -> float:
        """How much of the federation's work the region takes: by teleworkers, hub first."""
        return self.teleworkers * (1.2 if self.kind == RegionKind.HUB else 1.0)


PREFECTURE_OFFICES = {
    Prefecture.NAGANO: ("長野県", "ナガノケン", "200000"),
    Prefecture.GIFU: ("岐阜県", "ギフケン", "210005"),
    Prefecture.NIIGATA: ("新潟県", "ニイガタケン", "150002"),
    Prefecture.HOKKAIDO: ("北海道", "ホッカイドウ", "010006"),
    Prefecture.SHIMANE: ("島根県", "シマネケン", "320005"),
    Prefecture.KUMAMOTO: ("熊本県", "クマモトケン", "430005"),
}


def _d(year: int, month: int, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)


# The twelve regions of the seed's federation table. The years the regions joined are
# invented (Shiojiri's program started in 2010). The four regional business partners
# have no teleworker count in the seed; the demo gives each a small one (8-15).
REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec(
        "shiojiri", "SHJ", "塩尻市", "シオジリシ", "Shiojiri City", Prefecture.NAGANO,
        "202151", RegionKind.HUB, 150, _d(2010, 4),
        (("塩尻市", "シオジリシ", "202151"),),
    ),
    RegionSpec(
        "matsumoto", "MTM", "松本市", "マツモトシ", "Matsumoto City", Prefecture.NAGANO,
        "202029", RegionKind.PARTNER, 50, _d(2016, 4),
        (("松本市", "マツモトシ", "202029"),),
    ),
    RegionSpec(
        "surrounding", "SRD", "周辺町村", "シュウヘンチョウソン",
        "Surrounding towns and villages", Prefecture.NAGANO,
        "", RegionKind.PARTNER, 30, _d(2017, 4),
        (
            ("山形村", "ヤマガタムラ", "204501"),
            ("朝日村", "アサヒムラ", "204510"),
            ("辰野町", "タツノマチ", "203823"),
        ),
    ),
    RegionSpec(
        "nakatsugawa", "NKT", "中津川市", "ナカツガワシ", "Nakatsugawa City", Prefecture.GIFU,
        "212067", RegionKind.PARTNER, 20, _d(2019, 10),
        (("中津川市", "ナカツガワシ", "212067"),),
    ),
    RegionSpec(
        "tateshina", "TTS", "立科町", "タテシナマチ", "Tateshina Town", Prefecture.NAGANO,
        "203246", RegionKind.PARTNER, 50, _d(2018, 4),
        (("立科町", "タテシナマチ", "203246"),),
    ),
    RegionSpec(
        "azumino", "AZM", "安曇野市", "アヅミノシ", "Azumino City", Prefecture.NAGANO,
        "202207", RegionKind.PARTNER, 30, _d(2019, 4),
        (("安曇野市", "アヅミノシ", "202207"),),
    ),
    RegionSpec(
        "omachi", "OMC", "大町市", "オオマチシ", "Omachi City", Prefecture.NAGANO,
        "202126", RegionKind.PARTNER, 5, _d(2021, 4),
        (("大町市", "オオマチシ", "202126"),),
    ),
    RegionSpec(
        "itoigawa", "ITG", "糸魚川市", "イトイガワシ", "Itoigawa City", Prefecture.NIIGATA,
        "152161", RegionKind.PARTNER, 20, _d(2020, 4),
        (("糸魚川市", "イトイガワシ", "152161"),),
    ),
    RegionSpec(
        "minowa", "MNW", "箕輪町", "ミノワマチ", "Minowa Town", Prefecture.NAGANO,
        "203831", RegionKind.BUSINESS_PARTNER, 12, _d(2021, 10),
        (("箕輪町", "ミノワマチ", "203831"),),
    ),
    RegionSpec(
        "bibai", "BBI", "美唄市", "ビバイシ", "Bibai City", Prefecture.HOKKAIDO,
        "012157", RegionKind.BUSINESS_PARTNER, 10, _d(2022, 4),
        (("美唄市", "ビバイシ", "012157"),),
    ),
    RegionSpec(
        "kawamoto", "KWM", "川本町", "カワモトマチ", "Kawamoto Town", Prefecture.SHIMANE,
        "324485", RegionKind.BUSINESS_PARTNER, 8, _d(2022, 4),
        (("川本町", "カワモトマチ", "324485"),),
    ),
    RegionSpec(
        "amakusa", "AMK", "天草市", "アマクサシ", "Amakusa City", Prefecture.KUMAMOTO,
        "432156", RegionKind.BUSINESS_PARTNER, 15, _d(2022, 10),
        (("天草市", "アマクサシ", "432156"),),
    ),
)  # fmt: skip

REGIONS_BY_CODE = {spec.code: spec for spec in REGIONS}

# (code, name, English name): the skills the seed's work needs.
SKILLS: tuple[tuple[str, str, str], ...] = (
    ("annotation", "AIアノテーション", "AI training-data annotation"),
    ("map-editing", "3次元地図編集", "3D map editing"),
    ("data-entry", "データ入力", "Data entry"),
    ("accounting", "経理・財務", "Accounting and finance"),
    ("office-admin", "総務・人事・調達", "HR, procurement and general affairs"),
    ("kitting", "キッティング", "Device kitting"),
    ("phone-support", "電話・コールセンター対応", "Call and phone support"),
    ("rpa", "RPA・業務自動化", "RPA and automation"),
    ("digital-support", "デジタル活用支援", "Digital support for residents"),
    ("school-ict", "学校ICT支援", "School ICT support"),
    ("scanning", "紙・デジタル変換", "Analog/digital conversion"),
    ("mobility-ops", "オンデマンド交通オペレーション", "On-demand transport operations"),
)


@dataclass(frozen=True)
class CategorySpec:
    category: str
    skills: tuple[str, ...]
    client_kinds: tuple[str, ...]  # who orders this work, most likely first
    per_deliverable: bool
    unit_price: tuple[int, int]  # yen per hour, or per unit for per-deliverable work
    order_size: tuple[int, int]  # typical amount of one order, yen
    duration_days: tuple[int, int]
    titles: tuple[str, ...]
    # Relative share of the federation's volume in FY2015..FY2023 (0 = no such work yet).
    weights: tuple[int, ...]
    earliest: tuple[int, int] | None = None  # (year, month) before which it cannot exist


U, L, M = ClientKind.URBAN_COMPANY, ClientKind.LOCAL_COMPANY, ClientKind.MUNICIPALITY

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        Category.AI_ANNOTATION, ("annotation",), (U, L), True, (20, 60),
        (400_000, 4_000_000), (20, 120),
        ("画像認識AI教師データ作成（{n}次）", "物体検出アノテーション（{n}期）",
         "AI学習用画像タグ付け（{n}次）"),
        (0, 10, 20, 25, 25, 20, 18, 18, 18),
    ),
    CategorySpec(
        Category.HD_MAP, ("map-editing",), (U,), True, (15_000, 40_000),
        (1_000_000, 8_000_000), (45, 150),
        ("自動運転用3次元地図データ作成（第{n}工区）", "高精度3次元地図 編集・検査（{n}期）"),
        (0, 0, 0, 5, 10, 15, 15, 17, 18),
        earliest=(2018, 10),
    ),
    CategorySpec(
        Category.BACK_OFFICE, ("accounting", "office-admin"), (L, U), False, (2_000, 3_200),
        (300_000, 3_000_000), (30, 180),
        ("経理・調達事務支援（{n}期）", "人事・給与計算補助", "財務書類作成支援"),
        (40, 30, 22, 18, 14, 8, 8, 10, 11),
    ),
    CategorySpec(
        Category.DATA_ENTRY, ("data-entry",), (L, U, M), False, (1_800, 2_500),
        (150_000, 2_000_000), (14, 90),
        ("アンケート集計データ入力", "各種申請書データ入力（{n}次）", "顧客台帳データ化"),
        (40, 35, 30, 22, 16, 9, 8, 9, 10),
    ),
    CategorySpec(
        Category.KITTING, ("kitting",), (U, L, M), True, (1_500, 4_000),
        (200_000, 2_500_000), (14, 60),
        ("PC・タブレット キッティング（{n}次）", "業務端末セットアップ作業"),
        (0, 5, 10, 10, 8, 8, 6, 6, 6),
    ),
    CategorySpec(
        Category.ONDEMAND_BUS, ("mobility-ops",), (M, U), False, (2_000, 2_800),
        (1_000_000, 6_000_000), (90, 180),
        ("AIオンデマンドバス 予約受付・運行オペレーション", "オンデマンド交通 配車オペレーション"),
        (0, 0, 0, 0, 2, 3, 4, 5, 6),
        earliest=(2019, 7),
    ),
    CategorySpec(
        Category.DX_PILOT, ("digital-support", "rpa"), (M, U), False, (2_200, 3_200),
        (500_000, 4_000_000), (60, 180),
        ("DX関連実証実験サポート", "自動運転・MaaS実証実験 運営支援"),
        (0, 0, 0, 0, 3, 3, 4, 5, 6),
        earliest=(2019, 4),
    ),
    CategorySpec(
        Category.GIGA_SCHOOL, ("school-ict",), (M,), False, (2_000, 2_800),
        (1_000_000, 6_000_000), (90, 180),
        ("GIGAスクールサポート（{n}期）", "小中学校ICT支援員 業務"),
        (0, 0, 0, 0, 0, 6, 6, 5, 5),
        earliest=(2020, 6),
    ),
    CategorySpec(
        Category.DIGITAL_HELP, ("digital-support",), (M,), False, (2_000, 2_800),
        (500_000, 3_000_000), (60, 180),
        ("住民向けデジタル活用支援", "スマホ相談窓口 運営"),
        (0, 0, 0, 0, 0, 0, 3, 5, 6),
        earliest=(2021, 4),
    ),
    CategorySpec(
        Category.ECONOMIC_RELIEF, ("data-entry", "phone-support"), (M,), False, (2_000, 2_800),
        (1_000_000, 6_000_000), (45, 150),
        ("コロナ経済対策 給付金申請受付サポート", "事業者支援金 審査事務サポート"),
        (0, 0, 0, 0, 0, 14, 10, 4, 1),
        earliest=(2020, 5),
    ),
    CategorySpec(
        Category.VACCINATION, ("phone-support",), (M,), False, (2_000, 2_800),
        (1_000_000, 6_000_000), (45, 120),
        ("ワクチン接種予約 コールセンター運営", "ワクチン接種予約 受付・入力サポート"),
        (0, 0, 0, 0, 0, 3, 12, 6, 2),
        earliest=(2021, 1),
    ),
    CategorySpec(
        Category.RPA_CONVERSION, ("rpa", "scanning"), (M, L), False, (2_200, 3_200),
        (300_000, 3_000_000), (30, 150),
        ("RPAシナリオ作成・運用", "紙書類のデジタル化（デジアナ変換）"),
        (0, 0, 5, 8, 10, 6, 5, 6, 7),
    ),
    CategorySpec(
        Category.FURUSATO_TAX, ("office-admin", "data-entry"), (M,), False, (1_800, 2_500),
        (300_000, 3_000_000), (60, 180),
        ("ふるさと寄附 受付・返礼品手配オペレーション", "ふるさと納税 問い合わせ対応"),
        (20, 20, 13, 12, 12, 5, 4, 4, 4),
    ),
)  # fmt: skip

CATEGORY_SPECS = {spec.category: spec for spec in CATEGORIES}

# Fictional company names: (words, kana) pieces the builder combines.
URBAN_COMPANY_STEMS: tuple[tuple[str, str], ...] = (
    ("ネクストビジョン", "ネクストビジョン"),
    ("ミライモビリティ", "ミライモビリティ"),
    ("アーバンデータ", "アーバンデータ"),
    ("フロンティアAI", "フロンティアエーアイ"),
    ("サクラソリューションズ", "サクラソリューションズ"),
    ("ブルーオーシャン", "ブルーオーシャン"),
    ("グローバルマップ", "グローバルマップ"),
    ("テックブリッジ", "テックブリッジ"),
    ("スマートロジック", "スマートロジック"),
    ("クラウドワークス総研", "クラウドワークスソウケン"),
    ("ディープビジョン", "ディープビジョン"),
    ("ハーモニーシステムズ", "ハーモニーシステムズ"),
)
URBAN_COMPANY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("テクノロジーズ", "テクノロジーズ"),
    ("", ""),
    ("ジャパン", "ジャパン"),
    ("ラボ", "ラボ"),
)
LOCAL_COMPANY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("精密", "セイミツ"),
    ("電機", "デンキ"),
    ("工業", "コウギョウ"),
    ("建設", "ケンセツ"),
    ("商事", "ショウジ"),
    ("印刷", "インサツ"),
    ("運輸", "ウンユ"),
    ("食品", "ショクヒン"),
    ("製作所", "セイサクショ"),
    ("信用金庫", "シンヨウキンコ"),
)

CONSTRAINT_NOTES: dict[str, tuple[str, ...]] = {
    "childcare": ("保育園の送迎のため15時まで", "小学生の子の下校時刻まで", "未就学児2人を育児中"),
    "caregiving": ("親の介護のため午前のみ", "通院付き添いのある日は不可"),
    "disability": ("通勤が難しいため在宅中心", "短時間の作業を複数回に分けて"),
    "health": ("体調に合わせて週3日程度", "通院日は休み"),
    "single_parent": ("ひとり親家庭、子の帰宅まで", "ひとり親、夕方以降は不可"),
    "other": ("学業と両立", "家業と両立"),
}

DEMO_PASSWORD = "kado-demo-2026"  # noqa: S105  (printed by `kado demo`, DEBUG only)
DEMO_MAIL_DOMAIN = "kado.example"
