"""地域・くらし notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "community"


@template(C, "shimin", WARD_OFFICE)
def chonaikai(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["町内会・自治会に加入しましょう", "自治会・町内会の活動をご紹介します"]),
        paragraphs=[
            "町内会・自治会は、防犯灯の管理、ごみ集積所の清掃、防災訓練、お祭りなど、"
            "住みよいまちをつくるための活動をしています。",
            f"市内には約{c.num(900, 1300)}の町内会・自治会があり、加入率は{c.num(55, 72)}%です。"
            "災害時には、日頃の顔の見える関係が大きな力になります。",
            "転入された方は、区役所地域振興課で加入の案内をお渡ししています。",
        ],
        section=c.sec("市民協働推進課", "地域振興課"),
    )


@template(C, "shimin")
def katsudo_josei(c: Ctx) -> Draft:
    end = c.day(20, 45)
    return Draft(
        title=f"{c.next_fy()}市民活動支援補助金の募集",
        paragraphs=[
            "NPO法人や市民活動団体が行う、地域の課題解決につながる公益的な事業を補助します。",
            f"補助額は対象経費の3分の2（上限{c.num(30, 100, 10)}万円）です。"
            "応募団体には公開プレゼンテーションを行っていただきます。",
        ],
        details=[("応募締切", c.md(end)), ("説明会", f"{c.md(c.day(5, 12))} 市民活動センター")],
        section="市民協働推進課", attachment=pdf("募集要項", c.rng), deadline=end,
    )


@template(C, WARD_OFFICE)
def volunteer(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    return Draft(
        title=f"{c.ward.name}{c.pick(['地域ボランティア', 'こども食堂ボランティア', '見守りボランティア'])}募集",
        paragraphs=[
            f"{c.ward.name}では、地域を支えるボランティアを募集しています。"
            "活動は月1回程度から、ご都合に合わせて参加できます。",
            f"活動説明会を{c.md(d)}に{c.hall()}で開催します。",
        ],
        details=[("説明会", f"{c.md(d)} 午前10時から"), ("対象", "高校生以上の方")],
        section="地域振興課", event_date=d,
    )


@template(C, "shimin")
def shohi_seikatsu(c: Ctx) -> Draft:
    scam = c.pick(["定期購入のトラブル", "屋根の点検商法", "不用品の訪問買取", "SNSの副業・投資の勧誘"])
    return Draft(
        title=f"消費生活センターからのお知らせ：{scam}に注意",
        paragraphs=[
            f"最近、{scam}に関する相談が増えています。"
            "「今だけ」「あなただけ」という言葉には注意し、その場で契約しないようにしましょう。",
            "訪問販売や電話勧誘販売で契約した場合は、8日以内であればクーリング・オフができます。",
            "困ったときは、消費者ホットライン「188」（いやや）にご相談ください。",
        ],
        details=[("相談時間", "平日 午前9時から午後4時30分まで")],
        section="消費生活センター",
    )


@template(C, "shimin", WARD_OFFICE)
def gaikokujin(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["外国人相談窓口（多言語）のご案内", "日本語教室の受講者・ボランティアを募集します"]),
        paragraphs=[
            "市国際交流センターでは、英語、中国語、韓国語、ベトナム語、ネパール語、タガログ語など"
            "12言語で、生活の困りごとの相談を受け付けています。",
            f"また、{c.ward.name}の{c.hall()}などで、ボランティアによる日本語教室を開いています。",
        ],
        details=[("相談時間", "月曜日から土曜日 午前10時から午後5時まで")],
        section=c.sec("国際交流課", "地域振興課"),
    )


@template(C, WARD_OFFICE)
def shukaijo(c: Ctx) -> Draft:
    start = c.day(20, 60)
    place = c.hall()
    return Draft(
        title=f"{place}の利用申込方法が変わります",
        paragraphs=[
            f"{c.ymd(start)}利用分から、{place}の会議室・和室の予約を、公共施設予約システムで受け付けます。",
            "利用者登録がお済みでない団体は、窓口で登録をお願いします。",
        ],
        details=[("開始日", c.ymd(start))],
        section="地域振興課", event_date=start,
    )


@template(C, "shimin")
def danjo(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    return Draft(
        title=f"男女共同参画講座「{c.pick(['パパの育休はじめの一歩', 'ワークライフバランスを考える', 'アンコンシャス・バイアスに気づく'])}」",
        paragraphs=[
            "誰もが自分らしく暮らせる社会について、一緒に考える講座です。一時保育があります（要予約）。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から正午まで"), ("会場", "男女共同参画センター"),
                 ("定員", f"{c.num(20, 40)}人"), ("申込締切", c.md(c.plus(d, -7)))],
        section="市民協働推進課", event_date=d, deadline=c.plus(d, -7),
    )


@template(C, WARD_OFFICE)
def issei_seiso(c: Ctx) -> Draft:
    d = c.weekend(10, 30)
    return Draft(
        title=f"{c.ward.name}クリーンアップ作戦（地域一斉清掃）",
        paragraphs=[
            f"{c.ward.name}内の町内会・自治会、学校、事業所の皆様と一緒に、道路や公園の一斉清掃を行います。",
            "ごみ袋と軍手は、町内会・自治会を通じてお配りします。集めたごみは指定の場所にお出しください。",
        ],
        details=[("日時", f"{c.md(d)} 午前8時から午前9時まで（雨天中止）"),
                 ("主な実施場所", "、".join(c.sample(c.ward.parks + c.ward.stations, 2)) + "周辺")],
        section="地域振興課", event_date=d,
    )


@template(C, "shimin")
def npo(c: Ctx) -> Draft:
    d = c.weekday(10, 35)
    return Draft(
        title="NPO・市民活動団体のための会計・広報講座",
        paragraphs=[
            "団体の運営に役立つ会計の基礎と、SNSを使った情報発信のコツを学びます。",
        ],
        details=[("日時", f"{c.md(d)} 午後6時30分から午後8時30分まで"), ("会場", "市民活動センター"),
                 ("費用", "無料")],
        section="市民協働推進課", event_date=d,
    )


@template(C, "shimin", WARD_OFFICE)
def bohanto(c: Ctx) -> Draft:
    end = c.day(40, 90)
    return Draft(
        title="防犯灯のLED化・新設費用を補助します（町内会・自治会向け）",
        paragraphs=[
            "町内会・自治会が管理する防犯灯のLED化や新設にかかる費用を補助します。",
            f"補助額は1灯あたり{c.yen(20000, 40000, 5000)}が上限です。電気料金の一部も補助しています。",
        ],
        details=[("申請期限", c.md(end)), ("対象", "市内の町内会・自治会")],
        section=c.sec("市民協働推進課", "地域振興課"), deadline=end,
    )


@template(C, WARD_OFFICE, "shimin")
def kodomo_shokudo(c: Ctx) -> Draft:
    return Draft(
        title="地域の子ども食堂・居場所マップを作成しました",
        paragraphs=[
            f"市内{c.num(40, 80)}か所の子ども食堂や、地域の居場所をまとめたマップを作成しました。",
            f"{c.ward.name}では{c.town()}の集会所などで開かれています。"
            "子どもから高齢者まで、どなたでも参加できる食堂もあります。",
        ],
        section=c.sec("市民協働推進課", "地域振興課"), attachment=pdf("子ども食堂マップ", c.rng),
    )
