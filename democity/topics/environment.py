"""環境 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "environment"


@template(C, "kankyo")
def taiyoko(c: Ctx) -> Draft:
    start = c.day(7, 20)
    end = c.day(150, 250)
    return Draft(
        title=f"{c.fy()}住宅用太陽光発電・蓄電池設置費補助金",
        paragraphs=[
            "脱炭素社会の実現に向けて、住宅に太陽光発電設備や家庭用蓄電池を設置する方に"
            "費用の一部を補助します。",
            f"太陽光発電は1キロワットあたり{c.yen(20000, 40000, 5000)}（上限4キロワット）、"
            f"蓄電池は一律{c.yen(50000, 100000, 10000)}です。",
            "予算の範囲内で先着順に受け付けます。工事の着手前に申請してください。",
        ],
        details=[("受付期間", c.span(start, end)), ("対象", "市内の自ら居住する住宅に設置する個人")],
        section="環境政策課", attachment=pdf("補助金交付要綱", c.rng), deadline=end,
    )


@template(C, "kankyo")
def shoene_kaden(c: Ctx) -> Draft:
    end = c.day(60, 120)
    return Draft(
        title="省エネ家電の買い替えでポイントを還元します",
        paragraphs=[
            "家庭の省エネを進めるため、市内の店舗で省エネ性能の高いエアコン、冷蔵庫、LED照明を"
            f"購入した方に、購入額の{c.num(10, 20)}%相当の地域ポイントを還元します。",
            "古い家電のリサイクル券の写しが必要です。",
        ],
        details=[("対象期間", f"{c.md(c.pub)}から{c.md(end)}まで"), ("上限", f"{c.yen(20000, 50000, 10000)}相当")],
        section="環境政策課", deadline=end,
    )


@template(C, "kankyo", WARD_OFFICE)
def green_curtain(c: Ctx) -> Draft:
    d = c.weekend(5, 25)
    return Draft(
        title=c.pick(["緑のカーテン講習会と苗の配布", "花と緑のまちづくり講習会"]),
        paragraphs=[
            "ゴーヤやアサガオで窓辺に緑のカーテンをつくり、夏の室温上昇を抑えましょう。"
            "育て方の講習会の参加者に、苗とネットを差し上げます。",
            f"会場は{c.ward.name}の{c.hall()}です。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午前11時まで"), ("定員", f"{c.num(30, 60, 10)}人"),
                 ("費用", "無料")],
        section=c.sec("環境政策課", "地域振興課"), event_date=d,
    )


@template(C, "kankyo", WARD_OFFICE)
def kyokenbyo(c: Ctx) -> Draft:
    dates = sorted({c.weekday(10, 40) for _ in range(3)})
    return Draft(
        title=f"犬の登録と狂犬病予防注射（{c.ward.name}会場）",
        paragraphs=[
            "生後91日以上の犬の飼い主は、犬の登録と年1回の狂犬病予防注射が法律で義務付けられています。",
            f"{c.ward.name}内の会場で集合注射を実施します。動物病院でも接種できます。",
            "犬を確実に制御できる方がお連れください。",
        ],
        details=[("日程", "、".join(c.md(d) for d in dates)),
                 ("会場", "、".join(c.sample(c.ward.parks + c.ward.halls, 2))),
                 ("費用", "注射料金 3,000円、注射済票交付手数料 550円")],
        section=c.sec("動物愛護センター", "福祉保健課"), event_date=dates[0],
    )


@template(C, "kankyo")
def neko_hojo(c: Ctx) -> Draft:
    return Draft(
        title="飼い主のいない猫の不妊去勢手術費を補助します",
        paragraphs=[
            "地域で飼い主のいない猫を見守る「地域猫活動」に取り組む団体や個人に、"
            f"不妊去勢手術の費用を1匹あたり{c.yen(5000, 10000, 1000)}補助します。",
            "ペットの飼い主の方は、終生飼養と室内飼育、マイクロチップの装着にご協力ください。",
        ],
        details=[("対象", "市内で地域猫活動を行う方（事前登録が必要）")],
        section="動物愛護センター",
    )


@template(C, "kankyo")
def smog(c: Ctx) -> Draft:
    return Draft(
        title="光化学スモッグ注意報が発令されたら",
        paragraphs=[
            "気温が高く日差しの強い日は、光化学スモッグが発生しやすくなります。"
            "注意報が発令された場合は、防災メールと防災行政無線でお知らせします。",
            "目がチカチカする、のどが痛いなどの症状が出たら、屋内に入り、目を洗い、うがいをしてください。",
        ],
        section="環境政策課",
    )


@template(C, "kankyo", WARD_OFFICE)
def shizen_kansatsu(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    park = c.park()
    s = c.season(d)
    return Draft(
        title=f"{s}の自然観察会（{park}）",
        paragraphs=[
            f"{c.ward.name}の{park}で、{s}の野鳥や植物、昆虫を観察します。"
            "自然観察指導員が分かりやすく解説します。",
            "双眼鏡をお持ちの方はご持参ください（貸出もあります）。",
        ],
        details=[("日時", f"{c.md(d)} 午前9時30分から正午まで（小雨決行）"), ("集合", f"{park} 管理事務所前"),
                 ("対象", "小学生以上（小学生は保護者同伴）"), ("費用", "保険料50円")],
        section=c.sec("環境政策課", "地域振興課"), event_date=d,
    )


@template(C, "kankyo")
def suishitsu(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.fy(c.plus(c.pub, -365))}河川・海域の水質調査結果",
        paragraphs=[
            f"市内の河川{c.num(12, 20)}地点と海域{c.num(3, 6)}地点で実施した水質調査の結果をまとめました。",
            "BOD（生物化学的酸素要求量）は全地点で環境基準を達成し、"
            "若葉川ではアユの遡上も確認されています。",
        ],
        section="環境政策課", attachment=pdf("水質調査結果報告書", c.rng),
    )


@template(C, "kankyo")
def kankyo_fair(c: Ctx) -> Draft:
    d = c.weekend(14, 40)
    return Draft(
        title="わかばの環境フェアを開催します",
        paragraphs=[
            "家族で楽しみながら環境について学べるイベントです。"
            "電気自動車の試乗、リサイクル工作、フードドライブ、省エネ相談コーナーなどを用意しています。",
            "マイバッグ・マイボトルをお持ちください。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後3時まで"), ("会場", "若葉野中央公園 噴水広場"),
                 ("費用", "無料")],
        section="環境政策課", event_date=d,
    )


@template(C, "kankyo")
def soon(c: Ctx) -> Draft:
    if c.chance(0.5):
        return Draft(
            title="生活騒音へのご配慮をお願いします",
            paragraphs=[
                "エアコンの室外機、ペットの鳴き声、楽器の音、深夜の洗濯機など、日常生活の音が"
                "近隣トラブルの原因になることがあります。",
                "音の感じ方は人によって異なります。お互いに思いやりを持ち、日頃から近所付き合いを"
                "大切にしましょう。トラブルの相談は市民相談室でもお受けしています。",
            ],
            section="環境政策課",
        )
    return Draft(
        title="工事の騒音・振動に関する届出について（事業者の方へ）",
        paragraphs=[
            "くい打機やさく岩機などを使用する特定建設作業を行う事業者は、騒音規制法・振動規制法"
            "に基づき、作業開始の7日前までに届出が必要です。",
            "作業時間は原則として午前7時から午後7時まで、1日10時間以内です。"
            "近隣住民への事前説明にもご協力ください。",
        ],
        details=[("届出先", "環境政策課（電子申請可）")],
        section="環境政策課",
    )


@template(C, "kankyo", WARD_OFFICE)
def gairai(c: Ctx) -> Draft:
    sp = c.pick(["クビアカツヤカミキリ", "ヒアリ", "アライグマ", "ナガエツルノゲイトウ"])
    return Draft(
        title=f"特定外来生物「{sp}」にご注意ください",
        paragraphs=[
            f"市内で特定外来生物「{sp}」が確認されました。生態系や農作物、人の生活に被害を及ぼすおそれがあります。",
            f"{c.ward.name}の{c.park()}周辺で見つけた場合は、触らずに写真を撮り、環境政策課までご連絡ください。",
        ],
        section=c.sec("環境政策課", "地域振興課"),
    )
