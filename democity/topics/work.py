"""しごと・産業 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template
from democity.topics.transport import OPERATOR

C = "work"


@template(C, "soumu")
def shokuin_saiyo(c: Ctx) -> Draft:
    start, end = c.day(7, 15), c.day(25, 40)
    exam = c.plus(end, c.num(20, 30))
    kind = c.pick(["上級（大学卒業程度）", "社会人経験者", "保健師・保育士等の専門職", "消防職"])
    return Draft(
        title=f"{c.next_fy()}若葉野市職員採用試験（{kind}）の受験者を募集します",
        paragraphs=[
            f"{c.next_fy()}4月1日採用予定の若葉野市職員（{kind}）を募集します。",
            "今年度から、第1次試験で教養試験に代えてSPI3を導入し、全国のテストセンターで受験できるようになりました。",
            f"職場説明会を{c.md(c.day(3, 10))}にオンラインで開催します。",
        ],
        details=[("申込受付期間", c.span(start, end)), ("第1次試験", c.md(exam)),
                 ("採用予定人数", f"{c.num(5, 60)}人程度"), ("申込方法", "電子申請のみ")],
        section="人事課", attachment=pdf("受験案内", c.rng), deadline=end, event_date=exam,
    )


@template(C, "keizai")
def sogyo_seminar(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    return Draft(
        title=f"創業支援セミナー「{c.pick(['はじめての起業', '女性のための起業講座', '副業からのスモールビジネス'])}」",
        paragraphs=[
            "これから起業を考えている方、創業して間もない方を対象に、事業計画の立て方、資金調達、"
            "販路開拓の基礎を学ぶセミナーを開催します。",
            "全回受講した方は「特定創業支援等事業」の証明を受けられ、会社設立時の登録免許税の軽減などの"
            "支援を受けられます。",
        ],
        details=[("日時", f"{c.md(d)}から全4回 午前10時から正午まで"), ("会場", "若葉野ビジネスプラザ"),
                 ("定員", f"{c.num(20, 30)}人"), ("費用", "無料"), ("申込締切", c.md(c.plus(d, -5)))],
        section="産業振興課", event_date=d, deadline=c.plus(d, -5),
    )


@template(C, "keizai")
def yushi(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["中小企業向け融資制度の利率を引き下げます", "物価高騰対策特別融資のご案内"]),
        paragraphs=[
            "原材料価格やエネルギー価格の高騰により影響を受けている市内中小企業者の資金繰りを支援するため、"
            f"融資利率を年1.{c.num(0, 4)}%に引き下げます。",
            f"融資限度額は{c.num(2000, 5000, 500)}万円、信用保証料は市が全額補助します。",
        ],
        details=[("対象", "市内で1年以上事業を営む中小企業者"), ("取扱金融機関", "市内の指定金融機関")],
        section="産業振興課",
    )


@template(C, "keizai", WARD_OFFICE)
def mensetsukai(c: Ctx) -> Draft:
    d = c.weekday(10, 35)
    return Draft(
        title="合同就職面接会「わかばのしごとフェア」を開催します",
        paragraphs=[
            f"市内の企業約{c.num(30, 60)}社が参加する合同就職面接会を開催します。"
            "介護、製造、物流、IT、小売など幅広い業種の求人があります。",
            "履歴書をお持ちいただくと、その場で面接を受けられます。"
            "キャリアコンサルタントによる個別相談コーナーもあります。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時から午後4時まで"),
                 ("会場", c.hall() if c.is_ward else "若葉野市民会館 展示ホール"),
                 ("対象", "求職中の方、転職を考えている方、来春卒業予定の学生"), ("申込", "不要（入退場自由）")],
        section=c.sec("商業労働課"), event_date=d,
    )


@template(C, "zaisei")
def nyusatsu(c: Ctx) -> Draft:
    end = c.day(10, 20)
    work = c.pick(["市立小学校校舎外壁改修工事", "市役所本庁舎空調設備更新工事", "市道舗装補修工事（その3）",
                   "庁舎清掃業務委託", "公用車リース契約"])
    return Draft(
        title=f"一般競争入札の公告（{work}）",
        paragraphs=[
            f"{work}について、地方自治法第234条第1項の規定に基づき、一般競争入札を行います。",
            "入札は電子入札システムにより行います。参加資格の詳細は公告文をご確認ください。",
        ],
        details=[("参加申請締切", c.md(end)), ("開札日", c.md(c.plus(end, 10))),
                 ("予定価格", f"{c.num(3000, 90000, 10):,}千円（税抜）")],
        section="契約課", attachment=pdf("入札公告", c.rng), deadline=end,
    )


@template(C, "keizai")
def shohinken(c: Ctx) -> Draft:
    start = c.day(20, 40)
    return Draft(
        title="プレミアム付き商品券を発行します",
        paragraphs=[
            "地域経済の活性化と物価高騰の影響を受けている家計を支援するため、"
            f"1冊{c.yen(10000, 10000)}で{c.yen(13000, 13000)}分使えるプレミアム付き商品券を発行します。",
            "市内の商店街や登録店舗で使用できます。応募多数の場合は抽選となります。",
        ],
        details=[("販売開始", c.md(start)), ("購入限度", "1人5冊まで"), ("申込方法", "専用サイト又ははがき")],
        section="商業労働課", deadline=start,
    )


@template(C, "keizai")
def shunou(c: Ctx) -> Draft:
    d = c.weekend(14, 40)
    return Draft(
        title=c.pick(["新規就農相談会を開催します", "市民農業大学校の受講生を募集します"]),
        paragraphs=[
            "農業を始めたい方を対象に、就農までの流れ、農地の借り方、支援制度について、"
            "農業委員会や先輩農業者が相談に応じます。",
            f"市内では{c.ward.name}の{c.town()}地区を中心に、トマト、梨、花きの栽培が盛んです。",
        ],
        details=[("日時", f"{c.md(d)} 午後1時から午後4時まで"), ("会場", "農業振興センター")],
        section="農政課", event_date=d,
    )


@template(C, "soumu", WARD_OFFICE)
def kaikei_nendo(c: Ctx) -> Draft:
    end = c.day(10, 25)
    job = c.pick(["窓口事務補助", "保育士", "学校図書館司書", "一般事務（データ入力）", "保健師"])
    return Draft(
        title=f"会計年度任用職員（{job}）を募集します",
        paragraphs=[
            f"{c.sec('市役所', c.ward.name + '役所')}で勤務する会計年度任用職員（{job}）を募集します。",
            f"勤務時間は週{c.num(20, 30)}時間程度、時給は{c.yen(1150, 1500, 10)}から（期末・勤勉手当あり）です。",
        ],
        details=[("募集人数", f"{c.num(1, 5)}人"), ("応募締切", c.md(end)),
                 ("選考方法", "書類選考・面接")],
        section=c.sec("人事課", "総務課"), deadline=end,
    )


@template(C, "keizai")
def dx_hojo(c: Ctx) -> Draft:
    end = c.day(40, 90)
    return Draft(
        title="中小企業のDX・省エネ設備導入を補助します",
        paragraphs=[
            "業務効率化のためのITツールの導入や、省エネ性能の高い設備への更新を行う市内中小企業者に、"
            f"経費の2分の1（上限{c.num(50, 200, 50)}万円）を補助します。",
            "申請前に、市の専門家派遣による無料診断を受けることをお勧めします。",
        ],
        details=[("申請期限", c.md(end)), ("対象", "市内に事業所を有する中小企業者・個人事業主")],
        section="産業振興課", deadline=end,
    )


@template(C, "kotsu")
def untenshi(c: Ctx) -> Draft:
    end = c.day(20, 40)
    return Draft(
        title="市バス運転士（会計年度任用職員を含む）を募集します",
        paragraphs=[
            "市民の足を支える市バスの運転士を募集します。大型二種免許をお持ちでない方も、"
            "交通局が取得費用を全額負担する「養成コース」で応募できます。",
            "① 入局時の支度金の支給 ② 寮の用意 ③ 女性用の休憩室の整備 など、働きやすい環境を整えています。",
            f"運行委託先の{OPERATOR}でも運転士を募集しています。",
        ],
        details=[("応募締切", c.md(end)), ("勤務地", f"{c.pick(['北山', '浜風', '緑ヶ丘'])}営業所ほか")],
        section="職員課", attachment=pdf("募集要項", c.rng), deadline=end,
    )


@template(C, "keizai")
def senior_shuro(c: Ctx) -> Draft:
    d = c.weekday(10, 30)
    return Draft(
        title="シニアのための仕事説明会",
        paragraphs=[
            "経験を生かして地域で働きたい60歳以上の方を対象に、シルバー人材センターや"
            "介護・保育の補助業務などの仕事を紹介します。",
        ],
        details=[("日時", f"{c.md(d)} 午後2時から午後4時まで"), ("会場", "若葉野ビジネスプラザ")],
        section="商業労働課", event_date=d,
    )
