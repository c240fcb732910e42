"""文化・スポーツ notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "culture"


@template(C, "kyoiku")
def toshokan_kyukan(c: Ctx) -> Draft:
    start = c.weekday(10, 30)
    end = c.plus(start, c.num(4, 9))
    lib = c.pick(["中央図書館", f"{c.ward.name.removesuffix('区')}図書館"])
    return Draft(
        title=f"{lib}の特別整理休館について",
        paragraphs=[
            f"蔵書点検のため、{lib}を{c.span(start, end)}休館します。",
            "休館中は返却ポストをご利用ください（CD・DVD、紙芝居は破損のおそれがあるため投函しないでください）。"
            "予約資料の取置期限は休館日数分延長します。",
            "電子図書館はいつでもご利用いただけます。",
        ],
        details=[("休館期間", c.span(start, end))],
        section="中央図書館", event_date=start,
    )


@template(C, "bunka")
def bijutsukan(c: Ctx) -> Draft:
    start = c.day(7, 40)
    end = c.plus(start, c.num(45, 70))
    theme = c.pick(["若葉野ゆかりの日本画家たち", "浮世絵にみる江戸の暮らし", "現代工芸の新しい風",
                    "写真家がとらえた昭和の若葉野", "こどものための美術館 ― ふしぎな色とかたち"])
    return Draft(
        title=f"市立美術館 企画展「{theme}」",
        paragraphs=[
            f"市立美術館では、企画展「{theme}」を開催します。館蔵品を中心に約{c.num(60, 150)}点を展示します。",
            f"会期中は、学芸員によるギャラリートーク（毎週{c.pick(['土曜日', '日曜日'])} 午後2時から）や"
            "ワークショップを開催します。",
        ],
        details=[("会期", c.span(start, end) + "（月曜日休館、祝日の場合は翌平日）"),
                 ("開館時間", "午前9時30分から午後5時まで（入館は午後4時30分まで）"),
                 ("観覧料", f"一般{c.yen(800, 1200, 100)}、高校・大学生{c.yen(400, 600, 100)}、中学生以下無料")],
        section="市立美術館", attachment=pdf("展覧会チラシ", c.rng), event_date=start,
    )


@template(C, "bunka")
def concert(c: Ctx) -> Draft:
    d = c.weekend(20, 60)
    kind = c.pick(["若葉野フィルハーモニー管弦楽団 定期演奏会", "市民吹奏楽フェスティバル",
                   "0歳からのファミリーコンサート", "市民会館名作映画上映会"])
    return Draft(
        title=f"{kind}（{c.md(d)}）",
        paragraphs=[
            f"若葉野市民会館大ホールで、{kind}を開催します。",
            c.pick(["未就学児も入場できるプログラムです。", "全席指定です。チケットはお早めにお求めください。",
                    "手話通訳付きで上演します。"]),
        ],
        details=[("日時", f"{c.md(d)} 午後{c.num(1, 5)}時開演"), ("会場", "若葉野市民会館 大ホール"),
                 ("料金", f"{c.yen(500, 3000, 500)}（全席指定）"), ("チケット発売日", c.md(c.day(3, 10)))],
        section="文化振興課", event_date=d,
    )


@template(C, "bunka", WARD_OFFICE)
def sports_kyoshitsu(c: Ctx) -> Draft:
    d = c.weekday(14, 40)
    sport = c.pick(["ヨガ", "卓球", "バドミントン", "ピラティス", "キッズ体操", "水泳（初心者）", "ボッチャ"])
    gym = f"{c.ward.name.removesuffix('区')}スポーツセンター"
    return Draft(
        title=f"{sport}教室の参加者を募集します（{gym}）",
        paragraphs=[
            f"{c.ward.name}の{gym}で、{sport}教室を開催します。初心者の方も指導員が丁寧に教えます。",
            "運動できる服装と室内用シューズ、飲み物をお持ちください。",
        ],
        details=[("日程", f"{c.md(d)}から毎週{'月火水木金'[d.weekday()]}曜日 全{c.num(6, 10)}回"),
                 ("時間", c.hours()), ("定員", f"{c.num(15, 30)}人（抽選）"),
                 ("費用", f"全回で{c.yen(2000, 5000, 500)}"), ("申込締切", c.md(c.plus(d, -10)))],
        section=c.sec("スポーツ振興課"), event_date=d, deadline=c.plus(d, -10),
    )


@template(C, "bunka")
def marathon(c: Ctx) -> Draft:
    start, end = c.day(7, 14), c.day(30, 45)
    race = c.plus(end, c.num(60, 90))
    return Draft(
        title="若葉野シティマラソンのランナーを募集します",
        paragraphs=[
            f"{c.ymd(race)}に開催する若葉野シティマラソンのランナーを募集します。"
            "フルマラソン、10キロ、親子ペアラン（2キロ）の3種目です。",
            "コースは市役所前をスタートし、川辺河川敷、浜風海浜公園を経て中央公園にゴールします。",
        ],
        details=[("大会日", c.ymd(race)), ("申込期間", c.span(start, end)),
                 ("参加料", "フル 12,000円、10キロ 5,000円、親子ペア 3,000円")],
        section="スポーツ振興課", deadline=end, event_date=race,
    )


@template(C, "kyoiku", WARD_OFFICE)
def kouza(c: Ctx) -> Draft:
    d = c.weekday(14, 40)
    theme = c.pick(["はじめてのスマートフォン", "若葉野の歴史散歩", "やさしい古文書入門",
                    "シニアのためのパソコン講座", "親子で楽しむ科学実験", "俳句入門"])
    return Draft(
        title=f"生涯学習講座「{theme}」受講生募集",
        paragraphs=[
            f"{c.ward.name}の{c.hall()}で生涯学習講座「{theme}」を開催します。",
            c.pick(["知識ゼロからでも大丈夫です。", "講座の後は受講生同士の交流の時間もあります。",
                    "修了後は自主サークルとしての活動も応援します。"]),
        ],
        details=[("日時", f"{c.md(d)}から全{c.num(3, 6)}回 {c.hours()}"),
                 ("対象", "市内在住・在勤の方"), ("定員", f"{c.num(16, 30)}人（抽選）"),
                 ("費用", c.pick(["無料", "教材費500円", "1,000円"])), ("申込締切", c.md(c.plus(d, -14)))],
        section=c.sec("生涯学習課"), event_date=d, deadline=c.plus(d, -14),
    )


@template(C, "kyoiku", "kanko")
def bunkazai(c: Ctx) -> Draft:
    d = c.weekend(10, 40)
    site = c.pick(["旧若葉野宿本陣", "北山八幡宮 本殿", "浜風灯台旧官舎", "桜台古墳群"])
    return Draft(
        title=f"{site}の特別公開を行います",
        paragraphs=[
            f"普段は非公開の市指定文化財「{site}」を特別に公開します。"
            "文化財課の職員がその歴史と見どころを解説します。",
            "見学の際は、建物や展示物に触れないようお願いします。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後3時まで（最終受付午後2時30分）"),
                 ("費用", "無料"), ("申込", "不要")],
        section=c.sec("文化財課") if c.dept.slug == "kyoiku" else "観光課", event_date=d,
    )


@template(C, "bunka")
def pool(c: Ctx) -> Draft:
    start = c.day(10, 30)
    return Draft(
        title=c.pick(["市営屋外プールの営業について", "温水プールの営業時間を変更します"]),
        paragraphs=[
            f"{c.md(start)}から、市営プールの営業を行います。",
            "小学3年生以下のお子さんは、保護者（16歳以上）の付き添いが必要です。"
            "熱中症特別警戒アラート発表時は、屋外プールの営業を中止します。",
        ],
        details=[("営業開始", c.md(start)), ("利用料", f"大人{c.yen(300, 600, 100)}、小中学生{c.yen(100, 200, 50)}")],
        section="スポーツ振興課", event_date=start,
    )


@template(C, "bunka")
def hakubutsukan(c: Ctx) -> Draft:
    d = c.weekend(10, 40)
    return Draft(
        title=f"市立博物館 講演会「{c.pick(['若葉野城と城下町', '縄文人のくらし', '鉄道がつくったまち', '港町浜風の近代史'])}」",
        paragraphs=[
            "市立博物館では、専門家を講師に迎えた歴史講演会を開催します。",
            "講演の後、展示室で関連資料をご覧いただけます。",
        ],
        details=[("日時", f"{c.md(d)} 午後2時から午後3時30分まで"), ("会場", "市立博物館 講堂"),
                 ("定員", f"{c.num(80, 150, 10)}人（先着順）"), ("費用", "無料（観覧券が必要です）")],
        section="市立博物館", event_date=d,
    )


@template(C, "bunka", WARD_OFFICE)
def taiikukan_kaishu(c: Ctx) -> Draft:
    start = c.day(30, 90)
    gym = f"{c.ward.name.removesuffix('区')}スポーツセンター"
    return Draft(
        title=f"{gym}の改修工事に伴う休館について",
        paragraphs=[
            f"空調設備の設置と照明のLED化のため、{gym}を{c.md(start)}から約{c.num(6, 12)}か月間休館します。",
            "休館中は、近隣のスポーツ施設をご利用ください。団体利用の予約は抽選の対象外となります。",
        ],
        details=[("休館開始", c.md(start))],
        section=c.sec("スポーツ振興課"), event_date=start,
    )


@template(C, "bunka", WARD_OFFICE)
def bunkasai(c: Ctx) -> Draft:
    end = c.day(20, 45)
    return Draft(
        title=f"{c.ward.name if c.is_ward else '若葉野市'}文化祭の出展作品・出演団体を募集します",
        paragraphs=[
            "絵画、書道、写真、手工芸などの作品展示と、舞台発表（ダンス、合唱、和太鼓など）の出演団体を募集します。",
            "日頃の活動の成果を発表しませんか。",
        ],
        details=[("応募締切", c.md(end)), ("会場", c.hall() if c.is_ward else "若葉野市民会館"),
                 ("対象", "市内在住・在勤・在学の個人又は市内で活動する団体")],
        section=c.sec("文化振興課"), deadline=end,
    )


@template(C, "kyoiku")
def ohanashikai(c: Ctx) -> Draft:
    dates = sorted({c.weekend(3, 30) for _ in range(3)})
    return Draft(
        title="図書館のおはなし会・えいごのおはなし会",
        paragraphs=[
            "絵本の読み聞かせ、手遊び、紙芝居を楽しむおはなし会を開催しています。"
            "えいごのおはなし会では、国際交流員が英語の絵本を読みます。",
        ],
        details=[("日程", "、".join(c.md(d) for d in dates) + " 午前11時から"),
                 ("会場", "中央図書館 おはなしのへや"), ("対象", "3歳から小学校低学年のお子さんと保護者")],
        section="中央図書館", event_date=dates[0],
    )
