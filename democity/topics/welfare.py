"""福祉・介護 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "welfare"


@template(C, "kenko")
def kaigo_hokenryo(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.fy()}介護保険料の決定通知書を送付しました",
        paragraphs=[
            f"65歳以上の方（第1号被保険者）に、{c.fy()}の介護保険料額決定通知書を送付しました。",
            "保険料は、前年の所得等に応じて13段階に区分されます。年金からの天引き（特別徴収）の方は、"
            "4月・6月・8月の仮徴収額と10月以降の本徴収額が異なる場合があります。",
            "災害や失業などの特別な事情により保険料の納付が難しい方は、減免の相談をお受けしています。",
        ],
        details=[("基準額（第5段階）", f"年額{c.yen(70000, 84000, 120)}"), ("対象", "65歳以上の方")],
        section="高齢福祉課",
    )


@template(C, WARD_OFFICE, "kenko")
def ninchisho_supporter(c: Ctx) -> Draft:
    d = c.weekday(10, 35)
    return Draft(
        title=f"認知症サポーター養成講座（{c.ward.name}）",
        paragraphs=[
            "認知症について正しく理解し、認知症の方やその家族を温かく見守る「認知症サポーター」"
            "を養成する講座です。受講された方にはオレンジ色のカードをお渡しします。",
            f"講師は{c.ward.name}地域包括支援センターの職員が務めます。"
            "企業や団体向けの出張講座も受け付けています。",
        ],
        details=[("日時", f"{c.md(d)} {c.pick(['午後2時から午後3時30分まで', '午前10時から午前11時30分まで'])}"),
                 ("会場", c.hall()), ("定員", f"{c.num(20, 40, 5)}人"), ("費用", "無料")],
        section=c.sec("高齢福祉課", "福祉保健課"), event_date=d,
    )


@template(C, WARD_OFFICE)
def keiro(c: Ctx) -> Draft:
    d = c.day(20, 50)
    return Draft(
        title=f"敬老祝品の贈呈と{c.ward.name}敬老のつどい",
        paragraphs=[
            f"長寿をお祝いし、{c.ward.name}内で満88歳、満100歳を迎える方に祝品をお贈りします。"
            "民生委員がご自宅にお届けします。",
            f"また、{c.md(d)}に{c.hall()}で敬老のつどいを開催し、地元の小学生による合唱や"
            "大正琴の演奏をお楽しみいただきます。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時30分から"), ("対象", "75歳以上の区民の方"),
                 ("申込", "不要")],
        section="福祉保健課", event_date=d,
    )


@template(C, "kenko")
def fukushi_taxi(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.next_fy()}福祉タクシー利用券の交付申請を受け付けます",
        paragraphs=[
            "重度の障害のある方の社会参加を支援するため、タクシーの初乗り運賃相当額を助成する"
            f"福祉タクシー利用券（年間{c.num(24, 48, 12)}枚）を交付します。",
            "自動車燃料費助成との併用はできません。"
            "すでに利用券をお持ちの方も、年度ごとに申請が必要です。",
        ],
        details=[("対象", "身体障害者手帳1・2級、療育手帳A、精神障害者保健福祉手帳1級をお持ちの方"),
                 ("申請先", "区役所福祉保健課又は障害福祉課（郵送可）")],
        section="障害福祉課",
    )


@template(C, "kenko", WARD_OFFICE)
def minsei(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["民生委員・児童委員をご存じですか", "民生委員・児童委員の一斉改選について"]),
        paragraphs=[
            "民生委員・児童委員は、厚生労働大臣から委嘱された非常勤の特別職の地方公務員で、"
            "地域の身近な相談役として、高齢者の見守りや子育ての相談などに応じています。",
            f"市内では約{c.num(900, 1200)}人が活動しています。"
            "相談内容の秘密は守られますので、お気軽にご相談ください。",
        ],
        section=c.sec("生活福祉課", "福祉保健課"),
    )


@template(C, "kenko")
def jiritsu(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["生活にお困りの方の相談窓口（自立相談支援）", "住居確保給付金のご案内"]),
        paragraphs=[
            "仕事や住まい、家計のことなど、生活に困りごとを抱えている方の相談を、"
            "専門の支援員がお受けします。一緒に解決の方法を考え、必要な支援につなぎます。",
            "離職等により住居を失うおそれのある方には、一定期間家賃相当額を支給する"
            "住居確保給付金の制度もあります。",
        ],
        details=[("相談窓口", "くらし・しごとサポートセンター（市役所本庁舎2階）"),
                 ("受付時間", "平日 午前8時45分から午後5時15分まで")],
        section="生活福祉課",
    )


@template(C, WARD_OFFICE, "kenko")
def kaigo_yobo(c: Ctx) -> Draft:
    d = c.weekday(14, 35)
    n = c.num(6, 10)
    return Draft(
        title=f"介護予防教室「{c.pick(['いきいき体操', '脳トレ＆ストレッチ', 'お口の健康教室', 'はつらつ筋トレ'])}」"
              f"参加者募集",
        paragraphs=[
            "いつまでも自分らしく元気に暮らすため、転倒予防や口腔機能の向上に役立つ運動を、"
            f"全{n}回のコースで学びます。",
            "椅子に座ってできる運動が中心です。体力に自信のない方もご参加ください。",
        ],
        details=[("日程", f"{c.md(d)}から毎週{'月火水木金'[d.weekday()]}曜日 全{n}回"),
                 ("会場", c.hall()), ("対象", "65歳以上の方（要介護認定を受けている方を除く）"),
                 ("定員", f"{c.num(15, 25)}人（初めての方優先）"), ("申込締切", c.md(c.plus(d, -7)))],
        section=c.sec("高齢福祉課", "福祉保健課"), event_date=d, deadline=c.plus(d, -7),
    )


@template(C, "kenko")
def mimamori(c: Ctx) -> Draft:
    n = c.num(4, 12)
    return Draft(
        title="高齢者見守りネットワークに新たな協力事業者が加わりました",
        paragraphs=[
            f"新聞販売店、宅配事業者、金融機関など{n}事業者と、高齢者の見守りに関する協定を締結しました。"
            f"協力事業者は{c.num(140, 220)}事業者となりました。",
            "郵便物がたまっている、数日間姿を見かけないなど、気になる様子に気付いたときは、"
            "地域包括支援センター又は区役所へご連絡ください。",
        ],
        section="高齢福祉課",
    )


@template(C, "kenko")
def jigyosho_shitei(c: Ctx) -> Draft:
    end = c.day(15, 40)
    return Draft(
        title="介護サービス事業所の指定申請・更新手続きについて（事業者の方へ）",
        paragraphs=[
            f"{c.next_fy()}に指定の有効期間が満了する介護サービス事業所は、更新申請が必要です。"
            "電子申請・届出システムでの提出をお願いします。",
            "介護報酬改定に伴う体制等の届出も同時に受け付けます。",
        ],
        details=[("提出期限", c.md(end)), ("提出方法", "電子申請・届出システム")],
        section="高齢福祉課", attachment=pdf("指定申請の手引き", c.rng), deadline=end,
    )


@template(C, "kenko", WARD_OFFICE)
def shuwa(c: Ctx) -> Draft:
    d = c.weekday(20, 45)
    return Draft(
        title=f"{c.pick(['手話奉仕員養成講座（入門課程）', '点訳ボランティア養成講座', '要約筆記者養成講座'])}"
              "の受講者を募集します",
        paragraphs=[
            "聴覚や視覚に障害のある方とのコミュニケーションを支える人材を養成する講座です。"
            "初めての方でも基礎から学べます。",
            "修了後は、市の登録ボランティアとしてご活動いただけます。",
        ],
        details=[("開講日", f"{c.md(d)}（全{c.num(15, 25)}回・夜間）"), ("会場", "障害者福祉センター"),
                 ("費用", "無料（テキスト代実費）"), ("申込締切", c.md(c.plus(d, -14)))],
        section="障害福祉課", event_date=d, deadline=c.plus(d, -14),
    )


@template(C, "kenko")
def koken(c: Ctx) -> Draft:
    d = c.weekend(14, 40)
    return Draft(
        title="成年後見制度の無料相談会を開催します",
        paragraphs=[
            "認知症や知的障害などにより判断能力が十分でない方の財産管理や契約を支援する"
            "成年後見制度について、弁護士・司法書士が相談に応じます。",
            "ご本人のほか、ご家族やケアマネジャーからの相談もお受けします。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時から午後4時まで（1組40分）"),
                 ("会場", "市役所本庁舎 相談室"), ("予約", "要予約（先着6組）")],
        section="高齢福祉課", event_date=d,
    )
