"""税・保険・年金 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "tax"


@template(C, "zaisei")
def kotei_nouki(c: Ctx) -> Draft:
    due = c.day(5, 25)
    ki = c.pick(["第1期", "第2期", "第3期", "第4期"])
    return Draft(
        title=f"固定資産税・都市計画税（{ki}）の納期限は{c.md(due)}です",
        paragraphs=[
            f"固定資産税・都市計画税{ki}分の納期限は{c.ymd(due)}です。"
            "納付書により、金融機関、コンビニエンスストア、スマートフォン決済アプリで納付できます。",
            "納期限を過ぎると延滞金が加算される場合があります。"
            "口座振替をご利用の方は、前日までに残高のご確認をお願いします。",
        ],
        details=[("納期限", c.ymd(due)), ("納付場所", "指定金融機関、コンビニ、スマホ決済、市役所納税課")],
        section="納税課", deadline=due,
    )


@template(C, "zaisei", WARD_OFFICE)
def shikoku(c: Ctx) -> Draft:
    start, end = c.day(7, 20), c.day(40, 50)
    return Draft(
        title=f"市民税・県民税の申告受付（{c.fy(end)}）",
        paragraphs=[
            f"前年中の所得について、市民税・県民税の申告を{c.span(start, end)}受け付けます。",
            "確定申告をされる方、給与所得のみで年末調整を受けた方は、市民税・県民税の申告は不要です。",
            f"会場の混雑が予想されますので、郵送又は電子申告（eLTAX）のご利用をお勧めします。"
            f"{c.ward.name}の会場は{c.hall()}です。",
        ],
        details=[("受付期間", c.span(start, end) + "（土曜日・日曜日・祝日を除く）"),
                 ("受付時間", "午前9時から正午まで、午後1時から午後4時まで"),
                 ("持ち物", "源泉徴収票、各種控除の証明書、マイナンバーカード等")],
        section=c.sec("市民税課", "総務課"), deadline=end,
    )


@template(C, "zaisei")
def keiji(c: Ctx) -> Draft:
    due = c.day(10, 40)
    return Draft(
        title=f"{c.fy()}軽自動車税（種別割）の納税通知書を発送しました",
        paragraphs=[
            f"4月1日現在で軽自動車、原動機付自転車、二輪車等を所有している方に、{c.fy()}の"
            "軽自動車税（種別割）の納税通知書を発送しました。",
            "車検用の納税証明書は、原則として省略できるようになりました。"
            "ただし、納付から車検までの期間が短い場合は領収証書をお持ちください。",
        ],
        details=[("納期限", c.ymd(due)), ("税額の例", "軽四輪乗用（自家用）年額10,800円")],
        section="市民税課", deadline=due,
    )


@template(C, "zaisei")
def cashless(c: Ctx) -> Draft:
    start = c.day(15, 60)
    return Draft(
        title=c.pick(["市税のスマートフォン決済に新たなアプリが加わります", "市税の口座振替をご利用ください"]),
        paragraphs=[
            f"{c.ymd(start)}から、市税の納付に使えるスマートフォン決済アプリを追加します。"
            "納付書のバーコード又はeL-QRを読み取ることで、24時間いつでも納付できます。",
            "納め忘れのない口座振替もご利用ください。口座振替依頼書は金融機関の窓口にあるほか、"
            "インターネットからも申し込めます。",
        ],
        details=[("対象税目", "市民税・県民税（普通徴収）、固定資産税・都市計画税、軽自動車税（種別割）")],
        section="納税課", event_date=start,
    )


@template(C, "kenko", WARD_OFFICE)
def kokuho(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.fy()}国民健康保険料の決定通知書を送付しました",
        paragraphs=[
            f"国民健康保険に加入している世帯の世帯主の方に、{c.fy()}の保険料決定通知書を送付しました。",
            "保険料は、前年の所得をもとに、医療分、後期高齢者支援金分、介護分（40歳から64歳の方）を"
            "合計して計算しています。所得の申告がない場合、軽減が受けられないことがあります。",
            "失業や災害などで納付が困難な場合は、減免や分割納付についてご相談ください。",
        ],
        details=[("納期", "6月から翌年3月までの10回"), ("相談窓口", "保険年金課、各区役所保険年金課")],
        section=c.sec("保険年金課", "保険年金課"),
    )


@template(C, "kenko")
def kouki(c: Ctx) -> Draft:
    return Draft(
        title="後期高齢者医療保険料の改定について",
        paragraphs=[
            "後期高齢者医療制度の保険料率が、2年ごとの見直しにより改定されました。"
            f"均等割額は年額{c.yen(45000, 52000, 100)}、所得割率は{c.num(9, 11)}.{c.num(10, 99)}%です。",
            "保険料は原則として年金から差し引かれます。"
            "新たに75歳になった方は、当初は納付書又は口座振替での納付となります。",
        ],
        details=[("対象", "75歳以上の方、65歳から74歳で一定の障害があると認定された方")],
        section="保険年金課",
    )


@template(C, WARD_OFFICE, "kenko")
def nenkin_menjo(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["国民年金保険料の免除・納付猶予制度", "学生納付特例制度のご案内"]),
        paragraphs=[
            "所得が少ないなど、国民年金保険料を納めることが経済的に難しい場合は、"
            "申請により保険料の納付が免除又は猶予される制度があります。",
            "未納のままにしておくと、将来の老齢基礎年金や、万一の障害・遺族基礎年金を受け取れない"
            "場合があります。お早めに手続きをしてください。",
        ],
        details=[("申請先", "区役所保険年金課又は年金事務所（マイナポータルからの電子申請可）"),
                 ("持ち物", "基礎年金番号が分かるもの、本人確認書類")],
        section=c.sec("保険年金課", "保険年金課"),
    )


@template(C, "zaisei")
def kakutei_kaijo(c: Ctx) -> Draft:
    start = c.day(20, 60)
    end = c.plus(start, 30)
    return Draft(
        title="確定申告・市民税申告の臨時会場を開設します",
        paragraphs=[
            f"税務署と共同で、{c.span(start, end)}、市民会館展示ホールに申告相談会場を開設します。",
            "会場への入場には整理券が必要です。整理券は当日配付のほか、"
            "国税庁LINE公式アカウントからの事前発行も可能です。",
            "スマートフォンとマイナンバーカードを使えば、ご自宅からe-Taxで申告できます。",
        ],
        details=[("期間", c.span(start, end) + "（土曜日・日曜日を除く）"),
                 ("会場", "若葉野市民会館 展示ホール")],
        section="市民税課", event_date=start, deadline=end,
    )


@template(C, WARD_OFFICE, "zaisei")
def kyujitsu_nozei(c: Ctx) -> Draft:
    d = c.weekend(7, 25)
    return Draft(
        title=f"休日納税相談窓口を開設します（{c.md(d)}）",
        paragraphs=[
            "平日に来庁が難しい方のため、休日に市税の納付や納税相談をお受けします。",
            "納付が困難な事情がある方は、分割納付や徴収猶予などについてご相談ください。"
            "財産調査や差押えの対象となる前に、お早めにご連絡をお願いします。",
        ],
        details=[("日時", f"{c.md(d)} 午前9時から午後4時まで"),
                 ("場所", f"{c.ward.name}役所 1階 {c.pick(['税務相談コーナー', '第1会議室'])}"),
                 ("持ち物", "納付書、本人確認書類")],
        section=c.sec("納税課", "総務課"), event_date=d,
    )


@template(C, "zaisei")
def saigai_genmen(c: Ctx) -> Draft:
    end = c.day(60, 120)
    return Draft(
        title="大雨による被害を受けた方の市税の減免について",
        paragraphs=[
            "先の大雨により住宅や家財に被害を受けた方は、申請により市民税・固定資産税等の"
            "減免を受けられる場合があります。",
            "罹災証明書の写しを添えて申請してください。納期限の延長についてもご相談ください。",
        ],
        details=[("申請期限", c.md(end)), ("必要書類", "減免申請書、罹災証明書の写し")],
        section="税制課", deadline=end,
    )


@template(C, "zaisei")
def zeimu_shomei(c: Ctx) -> Draft:
    return Draft(
        title="所得証明書（課税証明書）の発行開始日について",
        paragraphs=[
            f"{c.fy()}の所得証明書（課税証明書）は、{c.md(c.day(15, 40))}から発行します。"
            "マイナンバーカードをお持ちの方は、コンビニエンスストアでも取得できます。",
            "児童手当、保育園の入所手続き、公営住宅の申込み等でご利用ください。",
        ],
        details=[("手数料", "1通300円（コンビニ交付は200円）")],
        section="市民税課", attachment=pdf("証明書交付申請書", c.rng),
    )
