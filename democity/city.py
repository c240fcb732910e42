"""The fictional city: wards, places and the department org chart (縦割り)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FeedKind = Literal["rdf", "rss", "atom", "html"]
Layout = Literal["main", "tmp_contents", "contents"]
DateStyle = Literal["wareki", "wareki_fw", "seireki"]


@dataclass(frozen=True)
class Ward:
    slug: str
    name: str
    name_en: str
    # Stations, parks and halls; the suffix (駅/公園/...) tells which is which.
    places: list[str]
    # Town names (町名) used for addresses and collection-area notices.
    towns: list[str] = field(default_factory=list)

    def _ending(self, *suffixes: str) -> list[str]:
        return [p for p in self.places if p.endswith(suffixes)]

    @property
    def stations(self) -> list[str]:
        return self._ending("駅")

    @property
    def parks(self) -> list[str]:
        return self._ending("公園", "緑地")

    @property
    def halls(self) -> list[str]:
        return self._ending("公民館", "センター", "会館", "ホール")


@dataclass(frozen=True)
class Department:
    slug: str
    name: str  # as residents and the crawler's `department` field see it
    name_en: str
    feed: FeedKind
    sections: list[str]  # 課 that sign notices; the first is the 庶務 contact
    encoding: str = "utf-8"  # "cp932" for the legacy Shift_JIS site
    layout: Layout = "main"
    date_style: DateStyle = "wareki"
    ward: str | None = None  # set for 区役所
    office: str = "本庁舎"


@dataclass(frozen=True)
class City:
    name: str
    name_en: str
    prefecture: str
    postal: str
    address: str
    area_code: str
    wards: list[Ward]
    departments: list[Department]

    def ward(self, slug: str) -> Ward:
        return next(w for w in self.wards if w.slug == slug)

    def department(self, slug: str) -> Department:
        return next(d for d in self.departments if d.slug == slug)

    @property
    def ward_offices(self) -> list[Department]:
        return [d for d in self.departments if d.ward]


WARDS = [
    Ward("chuo", "中央区", "Chuo Ward",
         ["若葉野駅", "本町駅", "市役所前駅", "若葉野中央公園", "城址公園", "中央公民館",
          "中央区民センター", "若葉野市民会館"],
         ["本町", "錦町", "城南町", "大手町", "栄町"]),
    Ward("sakuradai", "桜台区", "Sakuradai Ward",
         ["桜台駅", "西桜台駅", "桜台公園", "さくら並木緑地", "桜台公民館", "桜台地区センター"],
         ["桜台", "花見町", "西桜台", "若宮町"]),
    Ward("kawabe", "川辺区", "Kawabe Ward",
         ["川辺駅", "川辺橋駅", "川辺河川敷公園", "ひばり公園", "川辺公民館",
          "川辺区民センター"],
         ["川辺町", "舟入町", "堤町", "ひばりが原"]),
    Ward("midorigaoka", "緑ヶ丘区", "Midorigaoka Ward",
         ["緑ヶ丘駅", "緑ヶ丘ニュータウン駅", "緑ヶ丘中央公園", "どんぐり山公園",
          "緑ヶ丘公民館", "緑ヶ丘コミュニティセンター"],
         ["緑ヶ丘", "若葉台", "藤の木", "けやき台"]),
    Ward("hamakaze", "浜風区", "Hamakaze Ward",
         ["浜風駅", "浜風港駅", "浜風海浜公園", "汐見公園", "浜風公民館", "浜風区民ホール"],
         ["浜風町", "汐見町", "港町", "松原"]),
    Ward("kitayama", "北山区", "Kitayama Ward",
         ["北山口駅", "北山温泉駅", "北山森林公園", "清流公園", "北山公民館",
          "北山ふれあいセンター"],
         ["北山町", "上沢", "清流町", "髙見台"]),
]

# The ward offices' feeds: most Japanese CMSs emit RSS 1.0; two run an RSS 2.0 CMS.
_WARD_FEEDS: dict[str, FeedKind] = {
    "chuo": "rdf", "sakuradai": "rdf", "kawabe": "rss",
    "midorigaoka": "rdf", "hamakaze": "rss", "kitayama": "rdf",
}
_WARD_LAYOUTS: dict[str, Layout] = {
    "chuo": "tmp_contents", "sakuradai": "tmp_contents", "kawabe": "main",
    "midorigaoka": "tmp_contents", "hamakaze": "main", "kitayama": "contents",
}

DEPARTMENTS = [
    Department("soumu", "総務局", "General Affairs Bureau", "rss",
               ["広報課", "人事課", "選挙管理委員会事務局", "市議会事務局", "統計課"],
               layout="main", date_style="seireki"),
    Department("kodomo", "こども未来局", "Children's Future Bureau", "rdf",
               ["こども企画課", "保育課", "こども家庭課", "放課後児童育成課"],
               layout="tmp_contents"),
    Department("kikikanri", "危機管理室", "Crisis Management Office", "atom",
               ["危機管理課", "防災計画課", "地域防災課"], layout="main"),
    Department("kankyo", "環境局", "Environment Bureau", "rdf",
               ["資源循環課", "収集業務課", "環境政策課", "動物愛護センター"],
               layout="tmp_contents", date_style="wareki_fw", office="本庁舎8階"),
    Department("kenko", "健康福祉局", "Health and Welfare Bureau", "rss",
               ["健康推進課", "高齢福祉課", "障害福祉課", "保険年金課", "生活福祉課"],
               layout="contents"),
    Department("zaisei", "財政局", "Finance Bureau", "rdf",
               ["税制課", "市民税課", "資産税課", "納税課", "財政課", "契約課"],
               layout="tmp_contents"),
    Department("shimin", "市民局", "Citizens' Affairs Bureau", "rss",
               ["区政支援課", "戸籍住民課", "市民協働推進課", "消費生活センター", "国際交流課"],
               layout="main", date_style="seireki"),
    Department("toshi", "都市整備局", "Urban Development Bureau", "atom",
               ["都市計画課", "住宅政策課", "建築指導課", "公園緑地課", "道路保全課"],
               layout="contents", date_style="wareki_fw"),
    # A separate legacy site that still runs on Shift_JIS, as many 交通局 sites do.
    Department("kotsu", "交通局", "Transportation Bureau", "rss",
               ["営業課", "運輸課", "施設課", "職員課"],
               encoding="cp932", layout="contents", office="交通局庁舎"),
    Department("keizai", "経済局", "Economic Affairs Bureau", "rdf",
               ["産業振興課", "商業労働課", "農政課"], layout="tmp_contents"),
    Department("bunka", "文化スポーツ局", "Culture and Sports Bureau", "atom",
               ["文化振興課", "スポーツ振興課", "市立美術館", "市立博物館"],
               layout="main", date_style="seireki"),
    # The one department without a feed: residents and crawlers must read its list page.
    Department("kanko", "観光課", "Tourism Division", "html",
               ["観光課"], layout="contents", date_style="wareki"),
    Department("kyoiku", "教育委員会", "Board of Education", "rdf",
               ["学校教育課", "学事課", "生涯学習課", "中央図書館", "文化財課"],
               layout="tmp_contents", date_style="wareki_fw"),
    *[
        Department(f"{w.slug}-ku", f"{w.name}役所", f"{w.name_en} Office",
                   _WARD_FEEDS[w.slug],
                   ["地域振興課", "区民課", "福祉保健課", "こども家庭支援課", "保険年金課",
                    "総務課"],
                   layout=_WARD_LAYOUTS[w.slug],
                   date_style="seireki" if w.slug in ("kawabe", "hamakaze") else "wareki",
                   ward=w.slug, office=f"{w.name}役所")
        for w in WARDS
    ],
]

CITY = City(
    name="若葉野市",
    name_en="Wakabano City",
    prefecture="東雲県",
    postal="〒299-8501",
    address="若葉野市中央区本町一丁目1番1号",
    area_code="046",
    wards=WARDS,
    departments=DEPARTMENTS,
)
