"""防災・安全 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "disaster"


@template(C, WARD_OFFICE, "kikikanri")
def sogo_kunren(c: Ctx) -> Draft:
    d = c.weekend(14, 40)
    school = f"{c.town()}小学校"
    return Draft(
        title=f"{c.ward.name}総合防災訓練を実施します",
        paragraphs=[
            f"大規模地震の発生を想定し、{c.ward.name}の自治会・町内会、消防団、関係機関と連携した"
            f"総合防災訓練を{school}で実施します。",
            "当日は、避難所の開設・運営訓練、初期消火訓練、AED を使った救命講習、"
            "起震車による地震体験などを行います。どなたでも参加できますので、ぜひお越しください。",
            c.pick(["当日は訓練のため、周辺道路で車両の通行を一部制限します。",
                    "雨天の場合は規模を縮小して体育館で実施します。",
                    "訓練開始時に防災行政無線で訓練放送を行います。"]),
        ],
        details=[("日時", f"{c.md(d)} 午前9時から正午まで（小雨決行）"), ("会場", school),
                 ("持ち物", "タオル、飲み物、マスク"), ("申込", "不要（直接会場へ）")],
        section=c.sec("地域防災課", "総務課"), event_date=d,
    )


@template(C, "kikikanri")
def hazard_map(c: Ctx) -> Draft:
    kind = c.pick(["洪水", "土砂災害", "津波", "内水"])
    return Draft(
        title=f"{kind}ハザードマップを改訂しました",
        paragraphs=[
            f"想定最大規模の降雨等に基づく浸水想定区域の見直しを受けて、{kind}ハザードマップを改訂しました。",
            f"改訂版は{c.md(c.day(5, 20))}から順次、全戸に配布します。"
            "各区役所、市民情報コーナーでも配布しているほか、市ホームページでご覧いただけます。",
            "ご自宅や職場の危険性、避難所や避難経路を日頃から確認し、"
            "「マイ・タイムライン」の作成にご活用ください。",
        ],
        section="防災計画課", attachment=pdf(f"{kind}ハザードマップ（全市版）", c.rng),
    )


@template(C, "kikikanri")
def bosai_mail(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["若葉野市防災メールに登録しましょう", "防災アプリ「わかばの防災ナビ」の配信を開始しました"]),
        paragraphs=[
            "避難情報、気象警報、地震情報、避難所の開設状況などを、スマートフォンやパソコンに"
            "お届けします。登録は無料です（通信料は利用者の負担となります）。",
            "日本語のほか、英語、中国語、韓国語、ベトナム語、やさしい日本語での配信にも対応しています。",
            f"現在の登録者数は約{c.num(42, 98)},{c.num(100, 999)}人です。ご家族や近所の方にもご紹介ください。",
        ],
        details=[("登録方法", "空メールを送信するか、二次元コードを読み取って登録")],
        section="危機管理課",
    )


@template(C, "kikikanri", WARD_OFFICE)
def oame_sonae(c: Ctx) -> Draft:
    hazard = c.pick(["台風", "大雨", "線状降水帯"])
    return Draft(
        title=f"{hazard}に備えて、今できることを確認しましょう",
        paragraphs=[
            f"{hazard}による浸水や土砂災害は、事前の準備で被害を減らすことができます。"
            "気象情報に注意し、早めの避難を心がけましょう。",
            "警戒レベル3「高齢者等避難」で高齢の方や障害のある方は避難を始め、"
            "警戒レベル4「避難指示」で危険な場所から全員避難してください。",
        ],
        bullets=["側溝や排水口を掃除し、水はけを良くしておく", "ベランダの植木鉢など飛ばされやすい物を片付ける",
                 "非常用持ち出し袋と3日分以上の水・食料を備える", "ハザードマップで避難先を確認する"],
        section=c.sec("危機管理課", "総務課"),
    )


@template(C, "kikikanri", WARD_OFFICE)
def hinanjo_henko(c: Ctx) -> Draft:
    d = c.day(10, 40)
    old, new = c.sample([f"{t}小学校" for t in c.ward.towns] + c.ward.halls, 2)
    return Draft(
        title=f"指定避難所の変更について（{c.ward.name}）",
        paragraphs=[
            f"{c.ymd(d)}から、{c.ward.name}の{old}に代わり、{new}を指定避難所とします。"
            f"{old}は校舎の改修工事のため、工事期間中は避難所として使用できません。",
            "お住まいの地域の避難所を改めてご確認ください。"
            "なお、一時的に身の安全を確保する「指定緊急避難場所」に変更はありません。",
        ],
        details=[("変更日", c.ymd(d)), ("対象地域", "、".join(c.sample(c.ward.towns, 2)) + "の一部")],
        section=c.sec("防災計画課", "総務課"), event_date=d,
    )


@template(C, "kikikanri")
def kagu_tento(c: Ctx) -> Draft:
    end = c.day(40, 90)
    return Draft(
        title="家具転倒防止器具の取付けを支援します",
        paragraphs=[
            "地震の際の家具の転倒によるけがを防ぐため、高齢者や障害のある方のみの世帯を対象に、"
            "家具転倒防止器具の取付けを無料で行います。",
            "器具は1世帯あたり家具3点分まで市が用意します。取付けは市が委託した事業者が伺います。",
        ],
        details=[("対象", "65歳以上の方のみの世帯、又は身体障害者手帳等をお持ちの方のみの世帯"),
                 ("費用", "無料"), ("募集世帯数", f"{c.num(100, 300, 50)}世帯（先着順）"),
                 ("申込期限", c.md(end))],
        section="地域防災課", deadline=end,
    )


@template(C, "kikikanri", WARD_OFFICE, "shimin")
def sagi(c: Ctx) -> Draft:
    n = c.num(8, 40)
    return Draft(
        title=c.pick(["特殊詐欺の被害が増えています", "還付金詐欺にご注意ください", "不審な電話にご注意ください"]),
        paragraphs=[
            f"市内で特殊詐欺の被害が相次いでおり、今年に入ってから{n}件、被害額は約"
            f"{c.num(2, 9)}千万円に上っています（警察署調べ）。",
            "市役所や区役所の職員が、電話で「医療費の還付がある」と言ってATMへ誘導することは"
            "絶対にありません。",
            "不審な電話があったら、すぐに電話を切り、家族や警察に相談してください。"
            "自動通話録音機の無料貸出も行っています。",
        ],
        section=c.sec("危機管理課", "地域振興課"),
    )


@template(C, "kikikanri")
def kasai_keihoki(c: Ctx) -> Draft:
    return Draft(
        title="住宅用火災警報器は10年を目安に交換しましょう",
        paragraphs=[
            "住宅用火災警報器は、すべての住宅の寝室や階段への設置が義務付けられています。",
            "設置から10年を経過すると、電子部品の寿命や電池切れで火災を感知しなくなるおそれがあります。"
            "定期的にボタンを押すかひもを引いて作動を確認し、古いものは本体ごと交換しましょう。",
            "消防職員が訪問して警報器を販売することはありません。悪質な訪問販売にご注意ください。",
        ],
        section="危機管理課",
    )


@template(C, "kikikanri", WARD_OFFICE)
def bosai_leader(c: Ctx) -> Draft:
    d = c.weekend(20, 45)
    end = c.before(d, 7, 14)
    return Draft(
        title=f"地域防災リーダー養成講座の受講者を募集します（{c.fy()}）",
        paragraphs=[
            "災害時に地域で中心となって活動していただく防災リーダーを養成する講座です。"
            "避難所運営ゲーム（HUG）、応急手当、災害図上訓練（DIG）などを全3回で学びます。",
            "修了者には修了証を交付し、防災士資格の取得費用の一部を助成します。",
        ],
        details=[("日程", f"{c.md(d)}ほか全3回 午前10時から午後4時まで"),
                 ("会場", c.hall() if c.is_ward else "市役所本庁舎 大会議室"),
                 ("対象", "市内在住・在勤で、自治会・町内会等で防災活動に取り組む意欲のある方"),
                 ("定員", f"{c.num(30, 60, 10)}人"), ("申込締切", c.md(end))],
        section=c.sec("地域防災課", "総務課"), event_date=d, deadline=end,
    )


@template(C, "kikikanri")
def bichiku(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["家庭での備蓄はローリングストックで", "非常用持ち出し品を点検しましょう"]),
        paragraphs=[
            "大規模災害が発生すると、物流が止まり、数日間は支援物資が届かないことがあります。"
            "最低3日分、できれば1週間分の飲料水と食料を備えましょう。",
            "普段食べている物を少し多めに買い置きし、使った分を買い足す「ローリングストック」なら、"
            "無理なく備蓄を続けられます。",
        ],
        bullets=["飲料水（1人1日3リットル）", "レトルト食品・缶詰", "携帯トイレ", "常備薬・お薬手帳の写し",
                 "モバイルバッテリー", "乳幼児のいる家庭は粉ミルク・おむつ"],
        section="危機管理課",
    )


@template(C, "shimin", "kikikanri", WARD_OFFICE)
def kotsu_anzen(c: Ctx) -> Draft:
    start = c.day(3, 15)
    s = c.season(start)
    return Draft(
        title=f"{s}の交通安全運動が始まります",
        paragraphs=[
            f"{c.md(start)}から10日間、{s}の全国交通安全運動が実施されます。",
            "運動の重点は、歩行者の安全な横断の確保、自転車のヘルメット着用と交通ルールの遵守、"
            "飲酒運転の根絶です。",
            f"期間中は{c.ward.name}の{c.station()}前などで街頭啓発を行います。"
            "夕暮れ時は早めにライトを点灯し、反射材を身に着けましょう。",
        ],
        details=[("期間", c.span(start, c.plus(start, 9)))],
        section=c.sec("区政支援課", "地域振興課") if c.dept.slug != "kikikanri" else "危機管理課",
        event_date=start,
    )


@template(C, "kikikanri")
def j_alert(c: Ctx) -> Draft:
    d = c.weekday(5, 20)
    return Draft(
        title="全国瞬時警報システム（Jアラート）の全国一斉情報伝達試験を行います",
        paragraphs=[
            f"{c.md(d)}午前11時頃、Jアラートの全国一斉情報伝達試験が行われます。"
            "市内の防災行政無線の屋外スピーカーから試験放送が流れます。",
            "放送内容は「これは、Jアラートのテストです。」を3回繰り返します。"
            "防災メールでも試験配信を行います。",
        ],
        details=[("日時", f"{c.md(d)} 午前11時頃"), ("対象", "市内全域（防災行政無線 屋外拡声子局）")],
        section="危機管理課", event_date=d,
    )
