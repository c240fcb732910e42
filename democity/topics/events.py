"""観光・イベント notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "events"


@template(C, WARD_OFFICE)
def kumin_matsuri(c: Ctx) -> Draft:
    d = c.weekend(14, 45)
    park = c.park()
    name = f"{c.ward.name.removesuffix('区')}{c.pick(['区民まつり', 'ふるさとまつり', 'ふれあいフェスタ'])}"
    return Draft(
        title=f"第{c.num(20, 48)}回{name}を開催します",
        paragraphs=[
            f"{c.ward.name}最大のイベント「{name}」を{park}で開催します。",
            "ステージでは地元の中学校吹奏楽部や和太鼓の演奏、よさこい踊りを披露します。"
            "模擬店、フリーマーケット、消防車の展示、子ども向けの縁日コーナーもあります。",
            "会場には駐車場がありません。公共交通機関をご利用ください。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後4時まで（荒天中止）"), ("会場", park),
                 ("アクセス", f"{c.station()}から徒歩{c.num(3, 15)}分")],
        section="地域振興課", attachment=pdf("会場案内図", c.rng), event_date=d,
    )


@template(C, "kanko")
def hanabi(c: Ctx) -> Draft:
    d = c.weekend(20, 60)
    return Draft(
        title=f"第{c.num(50, 75)}回若葉野みなと花火大会",
        paragraphs=[
            f"浜風海浜公園の沖合から約{c.num(8, 15)},000発の花火を打ち上げます。"
            "音楽と花火がシンクロするミュージックスターマインは必見です。",
            f"有料観覧席を{c.md(c.day(5, 15))}から販売します。当日は会場周辺で大規模な交通規制を行います。",
        ],
        details=[("日時", f"{c.md(d)} 午後7時から午後8時30分まで（荒天時は翌日に順延）"),
                 ("会場", "浜風海浜公園 周辺"), ("有料観覧席", f"1席{c.yen(3000, 6000, 500)}から")],
        event_date=d,
    )


@template(C, "keizai", WARD_OFFICE)
def marche(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    place = c.park() if c.chance(0.5) else f"{c.station()}前広場"
    return Draft(
        title=f"{c.pick(['わかばのマルシェ', '地産地消マルシェ', 'ファーマーズマーケット'])}を{place}で開催",
        paragraphs=[
            f"市内の農家が育てた新鮮な野菜や果物、パン、お菓子、雑貨などが並ぶマルシェを{place}で開催します。",
            f"{c.season(d)}の旬の味覚をお楽しみください。マイバッグをお持ちください。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後2時まで（雨天決行）"), ("場所", place),
                 ("出店数", f"約{c.num(20, 40)}店")],
        section=c.sec("農政課", "地域振興課"), event_date=d,
    )


@template(C, "kanko")
def walk_tour(c: Ctx) -> Draft:
    d = c.weekend(10, 40)
    s = c.season(d)
    return Draft(
        title=f"{s}のまち歩きツアー「{c.pick(['城下町と酒蔵めぐり', '港町レトロ建築さんぽ', '北山温泉郷ぶらり旅'])}」参加者募集",
        paragraphs=[
            "観光ボランティアガイドと一緒に、若葉野の歴史と文化にふれるまち歩きツアーです。",
            f"{s}ならではの景色もお楽しみいただけます。歩きやすい靴でご参加ください。",
        ],
        details=[("日時", f"{c.md(d)} 午前9時30分集合（約3時間）"), ("集合場所", "若葉野駅 観光案内所前"),
                 ("参加費", c.yen(500, 1500, 500)), ("定員", f"{c.num(15, 25)}人（先着順）"),
                 ("申込締切", c.md(c.plus(d, -5)))],
        event_date=d, deadline=c.plus(d, -5),
    )


@template(C, "kanko")
def illumination(c: Ctx) -> Draft:
    start = c.day(10, 40)
    end = c.plus(start, c.num(40, 80))
    return Draft(
        title="わかばのイルミネーションが点灯します",
        paragraphs=[
            f"若葉野駅前通りのけやき並木を約{c.num(15, 30)}万球の光で彩るイルミネーションを点灯します。",
            f"点灯式は{c.md(start)}午後5時から行い、地元高校生による演奏を予定しています。",
        ],
        details=[("期間", c.span(start, end)), ("点灯時間", "午後5時から午後11時まで"),
                 ("場所", "若葉野駅前けやき通り")],
        event_date=start,
    )


@template(C, WARD_OFFICE)
def asaichi(c: Ctx) -> Draft:
    d = c.weekend(5, 25)
    return Draft(
        title=f"{c.ward.name.removesuffix('区')}{c.pick(['港の朝市', '日曜朝市', 'ふれあい朝市'])}のお知らせ",
        paragraphs=[
            f"{c.ward.name}の{c.park()}で朝市を開催します。地元でとれた野菜や鮮魚、加工品を販売します。",
            "売り切れ次第終了となりますので、お早めにお越しください。",
        ],
        details=[("日時", f"{c.md(d)} 午前7時から午前9時まで"), ("場所", c.park())],
        section="地域振興課", event_date=d,
    )


@template(C, "kanko")
def minato_matsuri(c: Ctx) -> Draft:
    d = c.weekend(20, 50)
    return Draft(
        title="浜風みなとまつり 出演者・出店者を募集します",
        paragraphs=[
            "港町浜風の伝統行事「浜風みなとまつり」のステージ出演者と出店者を募集します。"
            "当日は帆船の一般公開や、みこし渡御も行われます。",
        ],
        details=[("開催日", c.md(d)), ("応募締切", c.md(c.plus(d, -30))), ("会場", "浜風港 第2ふ頭")],
        event_date=d, deadline=c.plus(d, -30),
    )


@template(C, "keizai")
def shukaku(c: Ctx) -> Draft:
    d = c.weekend(10, 30)
    crop = c.pick(["梨", "さつまいも", "ブルーベリー", "いちご", "トマト", "たまねぎ"])
    return Draft(
        title=f"親子で{crop}の収穫体験",
        paragraphs=[
            f"市内の農園で、親子で{crop}の収穫を体験しませんか。収穫した{crop}はお持ち帰りいただけます。",
            "汚れてもよい服装と、軍手、長靴をご用意ください。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午前11時30分まで"), ("会場", f"{c.ward.name} {c.town()}の農園"),
                 ("参加費", f"1家族{c.yen(500, 1500, 500)}"), ("定員", f"{c.num(10, 20)}組（抽選）"),
                 ("申込締切", c.md(c.plus(d, -10)))],
        section="農政課", event_date=d, deadline=c.plus(d, -10),
    )


@template(C, "kanko")
def photo_contest(c: Ctx) -> Draft:
    end = c.day(30, 90)
    return Draft(
        title=f"若葉野観光フォトコンテスト{c.pub.year}作品募集",
        paragraphs=[
            "若葉野の魅力が伝わる写真を募集します。風景、祭り、食、人など、テーマは自由です。",
            f"最優秀賞（1点）には{c.yen(30000, 50000, 10000)}分の市内特産品を贈呈します。"
            "SNS（ハッシュタグ投稿）でも応募できます。",
        ],
        details=[("応募締切", c.md(end)), ("応募方法", "専用フォーム又はハッシュタグ #わかばのフォト")],
        deadline=end,
    )


@template(C, "soumu", "shimin")
def kokusai_fes(c: Ctx) -> Draft:
    d = c.weekend(14, 45)
    return Draft(
        title="わかばの国際交流フェスティバル",
        paragraphs=[
            "世界各国の料理の屋台、民族衣装の試着、民族音楽のステージなど、世界の文化にふれるイベントです。",
            "姉妹都市からの訪問団も参加します。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後4時まで"), ("会場", "若葉野中央公園"), ("入場", "無料")],
        section=c.sec("国際交流課" if c.dept.slug == "shimin" else "広報課"), event_date=d,
    )


@template(C, "kanko", WARD_OFFICE)
def hana_matsuri(c: Ctx) -> Draft:
    d = c.weekend(10, 40)
    s = c.season(d)
    flower = {"春": "桜", "夏": "ひまわり", "秋": "紅葉", "冬": "梅"}[s]
    park = c.park()
    return Draft(
        title=f"{park} {flower}まつり",
        paragraphs=[
            f"{c.ward.name}の{park}で{flower}まつりを開催します。見頃を迎えた{flower}の下で、"
            "野点（のだて）や琴の演奏、地元グルメの屋台をお楽しみください。",
            "夜間はライトアップを行います（午後9時まで）。",
        ],
        details=[("日時", f"{c.md(d)}・{c.md(c.plus(d, 1))} 午前10時から午後4時まで"), ("会場", park)],
        section=c.sec("観光課", "地域振興課"), event_date=d,
    )


@template(C, WARD_OFFICE, "kanko")
def kodomo_taiken(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    kind = c.pick(["はたらく車大集合", "お仕事体験キッズタウン", "昔あそび体験会", "夏休み工作教室"])
    return Draft(
        title=f"{kind}（{c.ward.name}）",
        paragraphs=[
            f"{c.ward.name}の{c.hall()}で「{kind}」を開催します。子どもたちが楽しみながら学べる体験イベントです。",
            "当日はスタンプラリーも行い、全部集めた方に記念品を差し上げます。",
        ],
        details=[("日時", f"{c.md(d)} {c.hours()}"), ("対象", "小学生以下のお子さんとその保護者"),
                 ("参加費", "無料")],
        section=c.sec("観光課", "地域振興課"), event_date=d,
    )


@template(C, WARD_OFFICE, "shimin")
def hatachi(c: Ctx) -> Draft:
    d = c.weekday(30, 60)
    return Draft(
        title=f"{c.fy(d)}「二十歳のつどい」のご案内",
        paragraphs=[
            f"二十歳を迎える皆さんを祝福する「二十歳のつどい」を{c.md(d)}に市民会館で開催します。",
            "対象の方には、住民登録をもとに案内状を送付しました。市外にお住まいの方も参加できます。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時30分から"), ("会場", "若葉野市民会館 大ホール")],
        section=c.sec("市民協働推進課", "地域振興課"), event_date=d,
    )
