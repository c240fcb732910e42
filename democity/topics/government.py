"""市政・議会 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "government"
PLANS = ["若葉野市総合計画後期基本計画", "地球温暖化対策実行計画", "こども計画", "地域福祉計画",
         "都市計画マスタープラン", "公共施設等総合管理計画", "DX推進計画"]
PLAN_OWNER = {"地球温暖化対策実行計画": "kankyo", "こども計画": "kodomo", "地域福祉計画": "kenko",
              "都市計画マスタープラン": "toshi"}


@template(C, "soumu")
def kaiken(c: Ctx) -> Draft:
    d = c.plus(c.pub, -c.num(0, 2))
    topics = c.sample(["子育て支援の新たな取組", "防災力の強化", "駅前再開発の進捗", "物価高騰対策",
                       "脱炭素に向けた取組", "観光振興", "行政のデジタル化", "新年度予算案の概要"], 3)
    return Draft(
        title=f"市長定例記者会見（{c.md(d)}）",
        paragraphs=[
            f"{c.md(d)}に市長定例記者会見を行いました。主な発表事項は次のとおりです。",
            "会見の様子は、市公式動画チャンネルでご覧いただけます。",
        ],
        bullets=topics,
        section="広報課", attachment=pdf("会見資料", c.rng),
    )


@template(C, "soumu")
def gikai(c: Ctx) -> Draft:
    start = c.weekday(7, 25)
    month = start.month
    return Draft(
        title=f"{c.fy()}第{c.num(1, 4)}回市議会定例会（{month}月議会）の日程",
        paragraphs=[
            f"市議会定例会を{c.md(start)}から開会します。会期は{c.num(18, 30)}日間です。",
            "本会議と委員会は傍聴できます。インターネット中継（生中継・録画）もご覧いただけます。",
            "手話通訳・要約筆記を希望される方は、傍聴の3日前までにご連絡ください。",
        ],
        details=[("開会日", c.md(start)), ("傍聴受付", "市役所本庁舎8階 議会事務局")],
        section="市議会事務局", event_date=start,
    )


@template(C, "zaisei")
def yosan(c: Ctx) -> Draft:
    total = c.num(5200, 6400)
    return Draft(
        title=f"{c.next_fy()}当初予算案の概要",
        paragraphs=[
            f"{c.next_fy()}当初予算案を取りまとめました。一般会計は{total}億円"
            f"（前年度比{c.num(1, 5)}.{c.num(0, 9)}%増）で、過去最大の規模となります。",
            "子育て・教育の充実、防災・減災対策、地域経済の活性化を重点分野として予算を配分しました。",
        ],
        details=[("一般会計", f"{total}億円"), ("特別会計", f"{c.num(2500, 3200)}億円"),
                 ("企業会計", f"{c.num(900, 1400)}億円")],
        section="財政課", attachment=pdf("予算案の概要", c.rng),
    )


@template(C, "soumu", "kankyo", "kodomo", "kenko", "toshi")
def pubcom(c: Ctx) -> Draft:
    owner = {v: k for k, v in PLAN_OWNER.items()}
    plan = owner.get(c.dept.slug) or c.pick([p for p in PLANS if p not in PLAN_OWNER])
    start = c.day(3, 10)
    end = c.plus(start, 30)
    return Draft(
        title=f"「{plan}（案）」に対する意見を募集します（パブリックコメント）",
        paragraphs=[
            f"{plan}（案）を取りまとめましたので、市民の皆様のご意見を募集します。",
            "お寄せいただいたご意見は、計画の策定の参考とし、ご意見の概要と市の考え方を"
            "後日公表します。個別の回答はいたしませんのでご了承ください。",
        ],
        details=[("募集期間", c.span(start, end)),
                 ("提出方法", "電子申請、郵送、ファクス又は担当課・各区役所への持参"),
                 ("閲覧場所", "担当課、各区役所区政推進コーナー、市政情報コーナー")],
        section=c.dept.sections[0], attachment=pdf(f"{plan}（案）", c.rng), deadline=end,
    )


@template(C, "soumu", WARD_OFFICE)
def senkyo(c: Ctx) -> Draft:
    d = c.weekend(20, 50)
    kind = c.pick(["市長選挙", "市議会議員一般選挙", "県知事選挙", "衆議院議員総選挙"])
    return Draft(
        title=f"{kind}の期日前投票について",
        paragraphs=[
            f"{c.ymd(d)}執行の{kind}では、投票日当日に仕事や旅行などの予定がある方は、期日前投票ができます。",
            f"期日前投票所は、各区役所のほか、{c.ward.name}の{c.station()}ビル内にも設置します。",
            "入場整理券がなくても投票できます。",
        ],
        details=[("投票日", c.ymd(d)), ("期日前投票期間", f"公示（告示）日の翌日から{c.md(c.plus(d, -1))}まで"),
                 ("時間", "午前8時30分から午後8時まで")],
        section=c.sec("選挙管理委員会事務局", "総務課"), event_date=d,
    )


@template(C, "soumu")
def kohoshi(c: Ctx) -> Draft:
    n = c.num(1, 12)
    return Draft(
        title=f"広報わかばの {c.pub.month % 12 + 1}月号を発行しました",
        paragraphs=[
            f"広報わかばの{c.pub.month % 12 + 1}月号を発行しました。"
            f"特集は「{c.pick(['みんなで備える防災', '子育てするなら若葉野', 'まちの魅力再発見', '健康寿命をのばそう'])}」です。",
            "新聞折込のほか、駅、公共施設、コンビニエンスストアで配布しています。"
            "多言語翻訳・音声読み上げに対応したアプリでもご覧いただけます。",
        ],
        section="広報課", attachment=pdf(f"広報わかばの（第{n + 800}号）", c.rng),
    )


@template(C, "soumu")
def jinko(c: Ctx) -> Draft:
    pop = c.num(1_120_000, 1_180_000)
    return Draft(
        title=f"若葉野市の推計人口（{c.pub.month}月1日現在）",
        paragraphs=[
            f"{c.pub.month}月1日現在の推計人口は{pop:,}人（前月比{c.num(-400, 300)}人）、"
            f"世帯数は{pop // 2 + c.num(1000, 9000):,}世帯です。",
            "区別の人口、年齢別人口は統計書のページをご覧ください。",
        ],
        section="統計課",
    )


@template(C, "soumu", "kodomo", "kankyo")
def shingikai(c: Ctx) -> Draft:
    end = c.day(14, 30)
    name = {"kodomo": "こども・子育て会議", "kankyo": "環境審議会"}.get(c.dept.slug, "行政改革推進委員会")
    return Draft(
        title=f"{name}の市民委員を募集します",
        paragraphs=[
            f"市政に市民の意見を反映させるため、{name}の委員を公募します。"
            f"任期は{c.next_fy()}から2年間、会議は年{c.num(3, 5)}回程度、平日の日中に開催します。",
            "「市政への提案」をテーマにした作文（800字程度）により選考します。",
        ],
        details=[("募集人数", f"{c.num(2, 3)}人"), ("応募締切", c.md(end)),
                 ("応募資格", "市内在住の18歳以上の方（市の他の審議会委員を除く）")],
        section=c.dept.sections[0], deadline=end,
    )


@template(C, "zaisei")
def zaisei_jokyo(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.fy(c.plus(c.pub, -365))}決算に基づく財政状況を公表します",
        paragraphs=[
            "市の財政の健全性を示す健全化判断比率を算定しました。すべての指標で早期健全化基準を下回っています。",
            f"実質公債費比率は{c.num(5, 12)}.{c.num(0, 9)}%、将来負担比率は{c.num(40, 120)}.{c.num(0, 9)}%です。",
        ],
        section="財政課", attachment=pdf("財政状況資料集", c.rng),
    )


@template(C, "soumu", "zaisei")
def furusato(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["ふるさと納税の返礼品を追加しました", "ふるさと納税の使い道の報告"]),
        paragraphs=[
            f"若葉野市へのふるさと納税（寄附）の返礼品に、市内事業者の{c.num(10, 40)}品目を新たに加えました。",
            f"昨年度は{c.num(8000, 30000):,}件、約{c.num(3, 12)}億円のご寄附をいただき、"
            "子ども食堂への支援や公園の遊具更新などに活用しました。",
        ],
        section=c.sec("広報課" if c.dept.slug == "soumu" else "財政課"),
    )


@template(C, WARD_OFFICE)
def kumin_kaigi(c: Ctx) -> Draft:
    d = c.weekend(10, 35)
    return Draft(
        title=f"区長と語る「{c.ward.name}タウンミーティング」参加者募集",
        paragraphs=[
            f"{c.ward.name}のまちづくりについて、区長と区民の皆様が直接意見を交わす場を設けます。",
            f"テーマは「{c.pick(['子育てしやすいまち', '災害に強い地域づくり', '駅周辺のにぎわい', '高齢者の移動手段'])}」です。",
        ],
        details=[("日時", f"{c.md(d)} 午後2時から午後3時30分まで"), ("会場", c.hall()),
                 ("定員", f"{c.num(40, 80, 10)}人"), ("申込締切", c.md(c.plus(d, -7)))],
        section="総務課", event_date=d, deadline=c.plus(d, -7),
    )
