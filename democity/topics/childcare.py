"""子育て・教育 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "childcare"


@template(C, "kodomo")
def hoiku_moushikomi(c: Ctx) -> Draft:
    start, end = c.day(5, 12), c.day(30, 45)
    return Draft(
        title=f"{c.next_fy()}保育所等の利用申込みを受け付けます",
        paragraphs=[
            f"{c.next_fy()}4月から保育所、認定こども園（保育部分）、小規模保育事業所等の利用を"
            "希望される方の申込みを受け付けます。",
            "申込書類は各区役所こども家庭支援課の窓口で配布するほか、市ホームページからも"
            "ダウンロードできます。今年度から電子申請（オンライン）でも申込みが可能になりました。",
            "なお、受付期間を過ぎた申込みは二次調整以降の取扱いとなりますのでご注意ください。",
        ],
        details=[("受付期間", c.span(start, end)), ("対象", "保護者の就労・疾病・介護等により"
                 "家庭で保育ができない未就学児の保護者"),
                 ("申込先", "お住まいの区の区役所こども家庭支援課（郵送・電子申請可）"),
                 ("結果通知", f"{c.md(c.day(80, 95))}頃に発送予定")],
        section="保育課", attachment=pdf(f"{c.next_fy()}保育所等利用案内", c.rng),
        deadline=end,
    )


@template(C, "kodomo")
def jido_teate(c: Ctx) -> Draft:
    pay = c.day(10, 40)
    kind = c.pick(["支給日", "現況届", "制度改正"])
    if kind == "支給日":
        return Draft(
            title=f"児童手当を{c.md(pay)}に支給します",
            paragraphs=[
                f"児童手当（{(pay.month - 3) % 12 + 1}月分・{(pay.month - 2) % 12 + 1}月分）を"
                f"{c.md(pay)}に、"
                "ご指定の口座へ振り込みます。",
                "振込の通知は送付しませんので、通帳記帳等によりご確認ください。"
                "口座を解約された方、受給者が公務員になられた方は速やかにご連絡ください。",
            ],
            details=[("支給日", c.md(pay)), ("対象", "中学生以下（高校生年代を含む）の児童を養育している方")],
            section="こども家庭課", event_date=pay,
        )
    if kind == "現況届":
        due = c.day(20, 35)
        return Draft(
            title="児童手当の現況届の提出が必要な方へ",
            paragraphs=[
                "現況届は原則として提出不要となりましたが、次に該当する方は引き続き提出が必要です。"
                f"対象の方には{c.md(c.day(1, 5))}に書類を発送しました。",
                "提出がない場合、手当の支給が差し止めとなることがあります。",
            ],
            bullets=["配偶者からの暴力等により住民票の住所地と異なる市町村で受給している方",
                     "離婚協議中で配偶者と別居されている方", "法人である未成年後見人、施設等の受給者"],
            details=[("提出期限", c.md(due)), ("提出先", "こども家庭課（郵送可）")],
            section="こども家庭課", deadline=due,
        )
    start = c.day(20, 60)
    return Draft(
        title="児童手当の制度改正に伴う申請のお願い",
        paragraphs=[
            "制度改正により、所得制限の撤廃、支給対象の高校生年代までの延長、"
            "第3子以降の支給額の増額が行われます。",
            "新たに支給対象となる方は申請が必要です。申請が遅れると、"
            "遅れた月分の手当を受け取れなくなる場合がありますので、お早めに手続きをお願いします。",
        ],
        details=[("改正後の最初の支給", c.md(start)), ("申請方法", "電子申請、郵送又は窓口")],
        section="こども家庭課", attachment=pdf("制度改正のお知らせ", c.rng), deadline=start,
    )


@template(C, WARD_OFFICE, "kodomo")
def oyako_hiroba(c: Ctx) -> Draft:
    d = c.weekday(7, 30)
    place = c.hall()
    theme = c.pick(["ふれあい遊び", "手形アート", "絵本の読み聞かせ", "ベビーマッサージ",
                    "親子リトミック", "身体測定と子育て相談"])
    return Draft(
        title=f"親子ひろば「{theme}」（{place}）",
        paragraphs=[
            f"{c.ward.name}の子育て支援拠点では、未就学のお子さんと保護者の方が気軽に集える"
            f"親子ひろばを開催しています。{c.md(d)}は「{theme}」を行います。",
            "保育士・保健師が子育ての悩みや相談にもお応えします。"
            + c.pick(["お友達づくりにもぜひご利用ください。", "初めての方も大歓迎です。",
                      "動きやすい服装でお越しください。"]),
        ],
        details=[("日時", f"{c.md(d)} {c.pick(['午前10時から11時30分まで', '午前10時30分から正午まで'])}"),
                 ("場所", place), ("対象", c.pick(["0歳から3歳までのお子さんと保護者",
                                                   "未就学児とその保護者", "生後2か月から6か月の赤ちゃんと保護者"])),
                 ("定員", f"{c.num(10, 20)}組（{c.pick(['先着順', '申込多数の場合は抽選'])}）"),
                 ("費用", "無料"), ("申込", f"{c.md(c.day(1, 4))}午前9時から電話で受付")],
        section=c.sec("こども企画課", "こども家庭支援課"), event_date=d,
    )


@template(C, WARD_OFFICE)
def nyuji_kenshin(c: Ctx) -> Draft:
    age = c.pick(["4か月児", "1歳6か月児", "3歳児"])
    dates = sorted({c.weekday(10, 50) for _ in range(3)})
    return Draft(
        title=f"{age}健康診査の日程（{c.fy()} {c.ward.name}）",
        paragraphs=[
            f"{c.ward.name}では、{age}を対象に健康診査を実施しています。対象となるお子さんの保護者には、"
            "実施日のおおむね1か月前に個別に通知を送付します。",
            "身体計測、内科診察、歯科診察（1歳6か月児・3歳児）、栄養・育児相談を行います。"
            "母子健康手帳と問診票を必ずお持ちください。",
            "都合が悪い場合は別日程に変更できますので、福祉保健課までご連絡ください。",
        ],
        details=[("実施日", "、".join(c.md(d) for d in dates)),
                 ("受付時間", c.pick(["午後1時から午後2時まで", "午後1時15分から午後2時15分まで"])),
                 ("会場", f"{c.ward.name}役所 福祉保健センター"), ("費用", "無料")],
        section="福祉保健課", event_date=dates[0],
    )


@template(C, "kodomo")
def gakudo(c: Ctx) -> Draft:
    start, end = c.day(7, 14), c.day(28, 40)
    return Draft(
        title=f"放課後児童クラブ（学童保育）{c.next_fy()}利用児童の募集",
        paragraphs=[
            "保護者が就労等により昼間家庭にいない小学生を対象に、放課後や長期休業中の"
            "生活の場を提供する放課後児童クラブの利用児童を募集します。",
            f"今年度は{c.any_ward().name}と{c.any_ward().name}にクラブを新設し、定員を"
            f"{c.num(80, 240, 10)}人拡大します。",
            "利用料は月額" + c.yen(4000, 9000, 500) + "（おやつ代別）です。"
            "生活保護世帯・住民税非課税世帯は減免があります。",
        ],
        details=[("受付期間", c.span(start, end)), ("対象", "市内の小学校に通う1年生から6年生"),
                 ("申込方法", "各クラブで配布する申込書を、在籍予定の小学校区のクラブへ提出")],
        section="放課後児童育成課", attachment=pdf("クラブ一覧", c.rng), deadline=end,
    )


@template(C, "kyoiku")
def shugaku(c: Ctx) -> Draft:
    d = c.weekday(14, 40)
    kind = c.pick(["就学時健康診断", "入学説明会"])
    school = f"{c.ward.name.removesuffix('区')}第{c.pick(['一', '二', '三'])}小学校"
    return Draft(
        title=f"{c.next_fy()}小学校入学予定者の{kind}について",
        paragraphs=[
            f"{c.next_fy()}に小学校へ入学する予定のお子さんを対象に、{kind}を実施します。"
            f"対象のご家庭には{c.md(c.day(1, 6))}頃に案内を郵送します。",
            "案内が届かない場合や、市外から転入予定の場合は学事課へお問い合わせください。"
            if kind == "就学時健康診断" else
            "学校生活の流れ、学用品、給食、放課後の過ごし方について説明します。上履きをお持ちください。",
        ],
        details=[("日時", f"{c.md(d)} {c.pick(['午後1時30分から', '午後2時から'])}"), ("会場", school),
                 ("対象", "来年4月に小学校へ入学予定のお子さんと保護者")],
        section="学事課", event_date=d,
    )


@template(C, "kodomo")
def iryohi(c: Ctx) -> Draft:
    start = c.day(30, 90)
    return Draft(
        title="こども医療費助成の対象年齢を18歳まで拡大します",
        paragraphs=[
            f"{c.ymd(start)}診療分から、こども医療費助成の対象を中学3年生から"
            "18歳到達後最初の3月31日までのお子さんに拡大します。",
            "新たに対象となるお子さんには受給者証を送付します。所得制限はありません。"
            f"通院1回あたりの自己負担額は{c.pick(['200円', '300円', '500円'])}です（入院は無料）。",
            "市外の医療機関を受診した場合は、領収書を添えて払戻しの申請をしてください。",
        ],
        details=[("開始日", c.ymd(start)), ("対象", "市内在住の0歳から18歳到達年度末までのお子さん"),
                 ("手続き", "受給者証は自動で送付（申請不要）。転入された方は申請が必要です")],
        section="こども家庭課", event_date=start,
    )


@template(C, WARD_OFFICE)
def ryoshin_kyoshitsu(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    place = c.hall()
    return Draft(
        title=f"両親教室（プレママ・プレパパ教室）{c.md(d)}開催",
        paragraphs=[
            "これから出産を迎えるご夫婦を対象に、妊娠中の過ごし方や赤ちゃんのお世話の方法を"
            "学ぶ教室を開催します。",
            "沐浴体験、妊婦体験ジャケットの着用、先輩ママ・パパとの交流を予定しています。"
            + c.pick(["母子健康手帳をお持ちください。", "お一人での参加も歓迎します。"]),
        ],
        details=[("日時", f"{c.md(d)} {c.pick(['午前10時から正午まで', '午後1時30分から午後4時まで'])}"),
                 ("場所", place), ("対象", "妊娠20週から35週頃の妊婦とそのパートナー"),
                 ("定員", f"{c.num(12, 24, 2)}組"), ("費用", "無料"),
                 ("申込", f"{c.md(c.plus(d, -7))}までに電話又は電子申請")],
        section="こども家庭支援課", event_date=d, deadline=c.plus(d, -7),
    )


@template(C, "kyoiku")
def kyushoku(c: Ctx) -> Draft:
    start = c.day(40, 100)
    up = c.num(20, 60, 5)
    return Draft(
        title="学校給食費の改定について",
        paragraphs=[
            "食材料費の高騰が続いていることから、学校給食の質と量を確保するため、"
            f"{c.ymd(start)}から学校給食費を改定します。",
            f"1食あたり小学校は{up}円、中学校は{up + 10}円の引上げとなります。"
            "なお、増額分の一部は市が負担し、保護者の皆様の負担を軽減します。",
            "就学援助を受けている世帯は、引き続き給食費の全額が援助の対象となります。",
        ],
        details=[("改定日", c.ymd(start)), ("対象", "市立小学校・中学校の児童生徒の保護者")],
        section="学校教育課", attachment=pdf("学校給食費の改定について（保護者向け通知）", c.rng),
    )


@template(C, "kodomo", WARD_OFFICE)
def ichiji_azukari(c: Ctx) -> Draft:
    n = c.num(3, 8)
    return Draft(
        title=c.pick(["一時預かり事業の実施施設が増えます", "保育園の一時預かりをご利用ください"]),
        paragraphs=[
            "保護者の方の就労、通院、リフレッシュなどの理由で、一時的に家庭での保育が難しいときに、"
            "保育園等でお子さんをお預かりします。",
            f"{c.md(c.day(10, 30))}から新たに{n}施設で実施し、市内{n + c.num(30, 50)}施設となります。"
            f"{c.ward.name}では{c.station()}周辺の施設でも利用できるようになります。",
        ],
        details=[("対象", "生後6か月から小学校就学前のお子さん"),
                 ("利用料", f"1日{c.yen(2000, 3000, 100)}（4時間以内は半額）"),
                 ("予約", "利用を希望する施設へ直接お申込みください")],
        section=c.sec("保育課", "こども家庭支援課"),
    )


@template(C, "kyoiku")
def shugaku_enjo(c: Ctx) -> Draft:
    end = c.day(25, 45)
    return Draft(
        title=f"就学援助制度のご案内（{c.fy()}）",
        paragraphs=[
            "経済的な理由でお子さんの就学にお困りの保護者の方に、学用品費、給食費、修学旅行費"
            "などの一部を援助しています。",
            "年度の途中でも申請できますが、認定は申請月からとなります。"
            f"{c.md(end)}までに申請された方は4月にさかのぼって認定します。",
        ],
        details=[("対象", "市立小中学校に在籍する児童生徒の保護者で、所得が基準以下の方"),
                 ("申請方法", "在籍する学校へ申請書を提出（電子申請可）"), ("申請期限", c.md(end))],
        section="学事課", deadline=end,
    )


@template(C, "kodomo", WARD_OFFICE)
def sodan(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["子育て・家庭の悩み相談をご利用ください", "児童虐待防止の相談窓口について"]),
        paragraphs=[
            "子育ての不安やしつけの悩み、家族関係のことなど、一人で抱え込まずにご相談ください。"
            "秘密は守られます。",
            "子どもへの虐待が疑われる場合は、ためらわずに児童相談所虐待対応ダイヤル「189」"
            "又は区役所こども家庭支援課へご連絡ください。通告した方の情報は守られます。",
        ],
        details=[("受付時間", "月曜日から金曜日 午前8時45分から午後5時15分まで（祝日・年末年始を除く）"),
                 ("相談方法", "電話、来所、LINE相談")],
        section=c.sec("こども家庭課", "こども家庭支援課"),
    )
