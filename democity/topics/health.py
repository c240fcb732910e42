"""健康・医療 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "health"


@template(C, "kenko")
def gan_kenshin(c: Ctx) -> Draft:
    end = c.day(90, 200)
    return Draft(
        title=f"{c.fy()}がん検診のご案内",
        paragraphs=[
            "がんは早期に発見し治療することで、治る可能性が高くなります。"
            "市では、胃がん、肺がん、大腸がん、子宮頸がん、乳がんの検診を、市内の協力医療機関で"
            "実施しています。",
            f"今年度は、{c.pick(['40歳', '50歳', '60歳'])}になる方に大腸がん検診の無料クーポン券を送付しました。"
            "この機会にぜひ受診してください。",
        ],
        details=[("対象", "市内在住の40歳以上の方（子宮頸がん検診は20歳以上の女性）"),
                 ("自己負担金", "500円から1,500円（70歳以上の方、生活保護世帯の方は無料）"),
                 ("受診期限", c.ymd(end)), ("申込", "協力医療機関へ直接予約")],
        section="健康推進課", attachment=pdf("協力医療機関一覧", c.rng), deadline=end,
    )


@template(C, "kenko", WARD_OFFICE)
def influenza(c: Ctx) -> Draft:
    start = c.day(10, 30)
    end = c.plus(start, c.num(90, 120))
    return Draft(
        title=c.pick(["高齢者インフルエンザ予防接種の費用を助成します",
                      "高齢者の定期予防接種（インフルエンザ・新型コロナ）のお知らせ"]),
        paragraphs=[
            "インフルエンザの重症化を予防するため、高齢者を対象に予防接種の費用を助成します。",
            f"自己負担額は{c.yen(1200, 2500, 100)}です。市内の実施医療機関に予約のうえ、"
            "本人確認書類をお持ちになって接種を受けてください。",
            "生活保護を受けている方、市民税非課税世帯の方は、事前に申請すると自己負担が免除されます。",
        ],
        details=[("接種期間", c.span(start, end)),
                 ("対象", "接種日に65歳以上の方、60歳から64歳で心臓・腎臓・呼吸器等に重い障害のある方")],
        section=c.sec("健康推進課", "福祉保健課"), event_date=start, deadline=end,
    )


@template(C, "kenko", WARD_OFFICE)
def kyujitsu(c: Ctx) -> Draft:
    d = c.weekend(5, 25)
    return Draft(
        title=f"{c.md(d)}の休日当番医・休日急患診療所",
        paragraphs=[
            "日曜日・祝日に急な病気になったときは、休日当番医又は休日急患診療所を受診してください。",
            f"{c.md(d)}は、{c.ward.name}の{c.town()}クリニック（内科・小児科）が当番医です。"
            "受診の前に必ず電話で確認してください。",
            "急な病気やけがで救急車を呼ぶか迷ったときは、救急安心センター（#7119）にご相談ください。",
        ],
        details=[("診療時間", "午前9時から午後5時まで"),
                 ("休日急患診療所", f"{c.city.address}（保健会館1階） 電話：{c.city_tel('kyuukan')}"),
                 ("持ち物", "マイナ保険証又は資格確認書、お薬手帳、こども医療証")],
        section=c.sec("健康推進課", "福祉保健課"), event_date=d,
    )


@template(C, "kenko", WARD_OFFICE)
def necchusho(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["熱中症に注意しましょう", "熱中症特別警戒アラートと涼みどころの開設",
                      "暑さに備えて熱中症予防を"]),
        paragraphs=[
            "気温や湿度が高い日は、屋内でも熱中症になることがあります。"
            "のどが渇く前にこまめに水分・塩分を補給し、エアコンを適切に使いましょう。",
            f"市では、公民館や図書館など{c.num(60, 120)}か所を「クーリングシェルター（涼みどころ）」として"
            f"開放しています。{c.ward.name}では{c.hall()}などがご利用いただけます。",
        ],
        bullets=["高齢者や乳幼児は特に注意する", "外出時は日傘や帽子を使う",
                 "周りの方と声を掛け合う", "めまいや吐き気を感じたら涼しい場所で休む"],
        section=c.sec("健康推進課", "福祉保健課"),
    )


@template(C, WARD_OFFICE, "kenko")
def kenko_kyoshitsu(c: Ctx) -> Draft:
    d = c.weekday(10, 35)
    theme = c.pick(["ウォーキング教室", "ロコモ予防体操", "減塩クッキング", "骨密度測定と健康相談",
                    "血管年齢測定会", "こころの健康講座"])
    place = c.hall()
    return Draft(
        title=f"{theme}（{c.ward.name}）参加者募集",
        paragraphs=[
            f"{c.ward.name}の保健師・管理栄養士による{theme}を{place}で開催します。"
            + c.pick(["日頃の運動不足が気になる方におすすめです。", "生活習慣病の予防に役立つ内容です。",
                      "ご家族やお友達と一緒にご参加ください。"]),
            "当日体調が悪い方は参加をお控えください。",
        ],
        details=[("日時", f"{c.md(d)} {c.hours()}"), ("場所", place),
                 ("対象", c.pick(["市内在住の方", "40歳以上の方", "65歳以上の方"])),
                 ("定員", f"{c.num(15, 40, 5)}人（先着順）"),
                 ("費用", c.pick(["無料", "材料費300円", "無料"])), ("申込", f"電話で{c.sec('健康推進課', '福祉保健課')}へ")],
        section=c.sec("健康推進課", "福祉保健課"), event_date=d,
    )


@template(C, "kenko")
def shika(c: Ctx) -> Draft:
    end = c.day(120, 200)
    return Draft(
        title="節目年齢の方へ歯周病検診の受診券を送付しました",
        paragraphs=[
            f"{c.fy()}中に20歳、30歳、40歳、50歳、60歳、70歳になる方に、歯周病検診の受診券を送付しました。",
            "歯周病は自覚症状がないまま進行し、糖尿病や心臓病にも関係するといわれています。"
            "この機会に協力歯科医療機関で検診を受けましょう。",
        ],
        details=[("自己負担", "500円"), ("受診期限", c.ymd(end))],
        section="健康推進課", deadline=end,
    )


@template(C, "kenko", WARD_OFFICE)
def kansensho(c: Ctx) -> Draft:
    kind = c.pick(["感染性胃腸炎（ノロウイルス等）", "インフルエンザ", "手足口病", "RSウイルス感染症"])
    return Draft(
        title=f"{kind}が流行しています",
        paragraphs=[
            f"市内の定点医療機関からの報告で、{kind}の患者数が増加しており、"
            "保育施設や学校での集団発生も報告されています。",
            "せっけんと流水による手洗いを徹底し、体調が悪いときは無理をせず休みましょう。"
            + ("吐物の処理には次亜塩素酸ナトリウムを使用してください。" if "胃腸炎" in kind else ""),
        ],
        details=[("定点あたり報告数", f"{c.num(5, 24)}.{c.num(0, 9)}人（前週 {c.num(2, 8)}.{c.num(0, 9)}人）")],
        section=c.sec("健康推進課", "福祉保健課"),
    )


@template(C, "kenko", WARD_OFFICE)
def shokuiku(c: Ctx) -> Draft:
    d = c.weekend(14, 40)
    return Draft(
        title=c.pick(["親子食育教室「朝ごはんを作ろう」", "シニアの食生活講座", "食中毒を防ぐ家庭の衛生講座"]),
        paragraphs=[
            "バランスの良い食事のとり方を、管理栄養士が分かりやすくお伝えします。"
            "調理実習もあります（エプロン・三角巾をお持ちください）。",
            "食物アレルギーのある方は申込時にお知らせください。",
        ],
        details=[("日時", f"{c.md(d)} {c.hours()}"), ("会場", c.hall()),
                 ("費用", f"材料費{c.num(3, 6) * 100}円"), ("申込締切", c.md(c.plus(d, -10)))],
        section=c.sec("健康推進課", "福祉保健課"), event_date=d, deadline=c.plus(d, -10),
    )


@template(C, "kenko", WARD_OFFICE)
def kenketsu(c: Ctx) -> Draft:
    d = c.weekday(5, 25)
    place = c.hall() if c.chance(0.5) else f"{c.station()}前広場"
    return Draft(
        title=f"献血にご協力ください（{c.md(d)} {place}）",
        paragraphs=[
            f"{c.md(d)}に{place}へ献血バスが来ます。輸血を必要とする患者さんのため、献血にご協力ください。",
            "16歳から69歳までの健康な方が対象です（65歳以上の方は60歳から64歳までに献血経験がある方）。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から正午まで、午後1時15分から午後4時まで"),
                 ("場所", place), ("持ち物", "献血カード又は本人確認書類")],
        section=c.sec("健康推進課", "福祉保健課"), event_date=d,
    )


@template(C, "kenko")
def tokutei_kenshin(c: Ctx) -> Draft:
    end = c.day(60, 200)
    return Draft(
        title="国保特定健康診査を受けましょう（受診券を送付しました）",
        paragraphs=[
            "40歳から74歳の国民健康保険加入者の方に、特定健康診査の受診券を送付しました。"
            "メタボリックシンドロームに着目した健診で、自己負担はありません。",
            "健診の結果、生活習慣の改善が必要な方には、保健師・管理栄養士による特定保健指導を行います。",
        ],
        details=[("受診期間", f"受診券到着日から{c.md(end)}まで"), ("費用", "無料")],
        section="健康推進課", deadline=end,
    )


@template(C, "kenko")
def kokoro(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["こころの健康相談をご利用ください", "自殺対策強化月間：ひとりで悩まず相談を"]),
        paragraphs=[
            "眠れない、気分が落ち込む、やる気が出ないなど、こころの不調を感じたら"
            "早めにご相談ください。精神保健福祉士・保健師が相談に応じます。",
            "夜間や休日は、こころの電話相談（午後5時から午後10時まで）をご利用ください。",
        ],
        details=[("相談日時", "平日 午前9時から午後4時まで（予約制）"),
                 ("相談電話", c.city_tel("kokoro"))],
        section="健康推進課",
    )
