"""住まい・まちづくり notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "housing"


@template(C, "toshi")
def shiei_boshu(c: Ctx) -> Draft:
    start, end = c.day(5, 12), c.day(19, 28)
    n = c.num(20, 60)
    return Draft(
        title=f"市営住宅の入居者を募集します（{c.season(start)}期 {n}戸）",
        paragraphs=[
            f"市営住宅の入居者を募集します。募集戸数は一般向け{n - 8}戸、高齢者・障害者向け4戸、"
            "子育て世帯向け4戸です。",
            f"{c.ward.name}の「市営{c.town()}住宅」など、{c.num(6, 15)}団地で募集します。"
            "申込多数の場合は公開抽選を行います。",
            "募集案内は、住宅供給公社、各区役所、市役所本庁舎で配布します。",
        ],
        details=[("受付期間", c.span(start, end)), ("申込方法", "郵送（締切日消印有効）又は電子申請"),
                 ("抽選日", c.md(c.plus(end, 14)))],
        section="住宅政策課", attachment=pdf("募集案内", c.rng), deadline=end,
    )


@template(C, "toshi")
def taishin(c: Ctx) -> Draft:
    end = c.day(120, 200)
    return Draft(
        title="木造住宅の無料耐震診断と耐震改修の補助",
        paragraphs=[
            "昭和56年5月31日以前に着工した木造住宅を対象に、耐震診断士を無料で派遣します。",
            f"診断の結果、耐震改修が必要と判定された住宅には、改修工事費の5分の4"
            f"（上限{c.yen(1000000, 1500000, 100000)}）を補助します。",
            "能登半島地震でも、古い木造住宅の倒壊による被害が多く発生しました。この機会にご活用ください。",
        ],
        details=[("対象", "昭和56年5月31日以前に着工した2階建て以下の木造住宅"),
                 ("申込期限", c.ymd(end)), ("申込方法", "申込書を建築指導課へ提出（電子申請可）")],
        section="建築指導課", deadline=end,
    )


@template(C, "toshi", WARD_OFFICE)
def akiya(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    return Draft(
        title=f"空き家の無料相談会（{c.ward.name}）",
        paragraphs=[
            "相続した実家をどうすればよいか、売却や賃貸をしたい、管理に困っているなど、"
            "空き家に関するお悩みに、司法書士、宅地建物取引士、建築士が相談に応じます。",
            "空き家を改修して活用する場合の補助制度もご案内します。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時から午後4時30分まで（1組45分）"), ("会場", c.hall()),
                 ("対象", "市内に空き家を所有している方、又はその親族"),
                 ("予約", f"{c.md(c.plus(d, -3))}までに電話で予約（先着{c.num(6, 10)}組）")],
        section=c.sec("住宅政策課", "地域振興課"), event_date=d, deadline=c.plus(d, -3),
    )


@template(C, "toshi")
def reform(c: Ctx) -> Draft:
    end = c.day(90, 180)
    return Draft(
        title=c.pick(["住宅リフォーム補助金の申請受付を開始します", "子育て世帯の住宅リフォームを支援します"]),
        paragraphs=[
            "市内の施工業者を利用して住宅のリフォームを行う方に、工事費の一部を補助します。",
            f"補助額は工事費の10分の1（上限{c.yen(100000, 200000, 50000)}）です。"
            "子育て世帯・三世代同居の世帯は上限額を加算します。",
            "工事の契約前に申請が必要です。予算に達し次第、受付を終了します。",
        ],
        details=[("申請期限", c.ymd(end)), ("対象工事", "バリアフリー改修、断熱改修、外壁・屋根の改修など")],
        section="住宅政策課", deadline=end,
    )


@template(C, "toshi")
def toshikeikaku(c: Ctx) -> Draft:
    start = c.day(5, 15)
    end = c.plus(start, 14)
    return Draft(
        title=f"都市計画の変更案の縦覧について（{c.ward.name} {c.station()}周辺地区）",
        paragraphs=[
            f"{c.ward.name}の{c.station()}周辺地区における地区計画の変更案を縦覧に供します。",
            "縦覧期間中、市内に住所を有する方及び利害関係人は、意見書を提出することができます。",
        ],
        details=[("縦覧期間", c.span(start, end)), ("縦覧場所", "都市計画課（本庁舎7階）"),
                 ("意見書の提出期限", c.md(end))],
        section="都市計画課", attachment=pdf("計画図", c.rng), deadline=end,
    )


@template(C, "toshi", WARD_OFFICE)
def kouen_seibi(c: Ctx) -> Draft:
    park = c.park()
    start = c.day(20, 60)
    return Draft(
        title=f"{park}の再整備工事を行います",
        paragraphs=[
            f"{c.ward.name}の{park}で、遊具の更新とトイレの改修、園路のバリアフリー化を行います。",
            f"工事期間は{c.md(start)}から約{c.num(4, 8)}か月間を予定しています。"
            "工事中は公園の一部が利用できなくなります。",
            "再整備の内容は、昨年度の地域ワークショップでいただいたご意見をもとに決めました。",
        ],
        details=[("工事期間", f"{c.md(start)}から（予定）"), ("工事箇所", f"{park} 北側広場ほか")],
        section=c.sec("公園緑地課", "地域振興課"), event_date=start,
    )


@template(C, "toshi")
def keikan(c: Ctx) -> Draft:
    end = c.day(30, 60)
    return Draft(
        title=f"若葉野まち並み景観賞の候補を募集します（{c.fy()}）",
        paragraphs=[
            "まちの魅力を高める美しい建物、まち並み、景観づくりの活動を表彰します。"
            "自薦・他薦は問いません。",
            "写真と推薦理由を添えてご応募ください。受賞作品は市民ギャラリーで展示します。",
        ],
        details=[("応募期限", c.md(end)), ("部門", "建築物部門、まち並み部門、活動部門")],
        section="都市計画課", deadline=end,
    )


@template(C, "toshi")
def block_bei(c: Ctx) -> Draft:
    end = c.day(90, 200)
    return Draft(
        title="危険なブロック塀等の撤去費用を補助します",
        paragraphs=[
            "地震による倒壊の危険がある道路沿いのブロック塀等の撤去費用を補助します。",
            f"補助額は撤去費用の3分の2（上限{c.yen(150000, 300000, 50000)}）です。"
            "通学路に面したブロック塀は上限額を加算します。",
        ],
        details=[("対象", "道路に面した高さ1メートル以上のブロック塀等"), ("申請期限", c.ymd(end))],
        section="建築指導課", deadline=end,
    )


@template(C, "toshi", WARD_OFFICE)
def saikaihatsu(c: Ctx) -> Draft:
    d = c.weekend(10, 30)
    station = c.station()
    return Draft(
        title=f"{station}周辺まちづくり説明会を開催します",
        paragraphs=[
            f"{station}周辺地区の再開発事業について、事業の概要、スケジュール、"
            "権利者の方への補償の考え方を説明します。",
            "当日の資料は、説明会の後に市ホームページで公開します。",
        ],
        details=[("日時", f"{c.md(d)} 午後2時から午後4時まで"), ("会場", c.hall()),
                 ("対象", f"{c.ward.name}にお住まいの方、地区内の権利者の方"), ("申込", "不要")],
        section=c.sec("都市計画課", "地域振興課"), event_date=d,
    )


@template(C, "toshi")
def kenchiku_denshi(c: Ctx) -> Draft:
    start = c.day(20, 60)
    return Draft(
        title="建築確認申請の電子申請を開始します",
        paragraphs=[
            f"{c.ymd(start)}から、建築確認申請及び完了検査申請の電子申請を受け付けます。"
            "紙による申請も引き続き受け付けます。",
            "あわせて、省エネ基準への適合義務化に関する説明会を設計者・施工者向けに開催します。",
        ],
        details=[("開始日", c.ymd(start)), ("対象", "建築主、設計者、工事施工者")],
        section="建築指導課", event_date=start,
    )
