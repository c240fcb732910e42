"""ごみ・リサイクル notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "waste"


@template(C, "kankyo", WARD_OFFICE)
def holiday_collection(c: Ctx) -> Draft:
    m = c.pub.month
    # The holiday period ahead of the publication date, so the notice is never stale.
    period = {11: "年末年始", 12: "年末年始", 3: "ゴールデンウィーク", 4: "ゴールデンウィーク",
              7: "お盆", 8: "お盆"}.get(m, "祝日")
    last = c.day(10, 30)
    return Draft(
        title=f"{period}のごみ収集についてのお知らせ",
        paragraphs=[
            f"{period}期間中も、原則として通常どおり家庭ごみの収集を行います。"
            + ("ただし、12月31日から1月3日までは収集を休みます。" if period == "年末年始" else ""),
            f"{c.md(last)}以降の粗大ごみの受付は、休み明けの収集分となります。"
            "資源物・ペットボトルは、収集日の朝8時30分までに決められた場所に出してください。",
            "期間中は清掃工場への直接搬入が大変混雑します。"
            + c.pick(["時間に余裕を持ってお越しください。", "できるだけ通常の収集日をご利用ください。"]),
        ],
        details=[("対象", "市内全域の家庭ごみ・資源物"),
                 ("問い合わせ", "各区の環境事業所（収集日の確認）")],
        section=c.sec("収集業務課", "地域振興課"), event_date=last,
    )


@template(C, "kankyo")
def sodai_net(c: Ctx) -> Draft:
    start = c.day(10, 40)
    return Draft(
        title="粗大ごみのインターネット受付を24時間可能にします",
        paragraphs=[
            f"{c.ymd(start)}から、粗大ごみ受付センターのインターネット受付を24時間365日ご利用いただけます。",
            "あわせて、手数料のキャッシュレス決済（クレジットカード、スマホ決済）にも対応します。"
            "決済された方は粗大ごみ処理券（シール）の購入が不要になり、受付番号を書いた紙を貼って出せます。",
            "電話受付（月曜日から土曜日 午前8時30分から午後5時まで）も引き続きご利用いただけます。",
        ],
        details=[("開始日", c.ymd(start)), ("手数料", "1点 200円から1,200円（品目により異なる）")],
        section="資源循環課", event_date=start,
    )


@template(C, "kankyo", WARD_OFFICE)
def pla_bunbetsu(c: Ctx) -> Draft:
    start = c.day(30, 120)
    return Draft(
        title=c.pick(["プラスチック製品の分別収集を開始します", "プラスチックの出し方が変わります"]),
        paragraphs=[
            f"{c.ymd(start)}から、これまで燃やすごみとして出していたハンガー、バケツ、歯ブラシなどの"
            "プラスチック製品を、プラスチック資源として容器包装と一緒に収集します。",
            "収集日はこれまでの「容器包装プラスチック」の日と同じです。"
            "汚れが落ちない物、電池が入った物、刃物が付いた物は対象外です。",
            f"説明会を{c.ward.name}の{c.hall()}ほかで開催しますので、ぜひご参加ください。",
        ],
        bullets=["対象：全体がプラスチックでできている製品（長さ50センチ未満）",
                 "出し方：中身を空にし、軽くすすいで透明又は半透明の袋に入れる",
                 "対象外：充電式電池を内蔵した製品（発火の危険があります）"],
        details=[("開始日", c.ymd(start))],
        section=c.sec("資源循環課", "地域振興課"), attachment=pdf("分別早見表", c.rng),
        event_date=start,
    )


@template(C, WARD_OFFICE, "kankyo")
def shushu_youbi(c: Ctx) -> Draft:
    start = c.day(20, 50)
    towns = c.sample(c.ward.towns, 2)
    old, new = c.sample(["月曜日・木曜日", "火曜日・金曜日", "水曜日・土曜日"], 2)
    return Draft(
        title=f"{c.ward.name}の一部地域でごみの収集曜日が変わります",
        paragraphs=[
            f"収集ルートの見直しにより、{c.md(start)}から{towns[0]}と{towns[1]}の一部で、"
            f"燃やすごみの収集曜日が{old}から{new}に変わります。",
            f"対象の地域には{c.md(c.day(3, 10))}頃に新しい収集カレンダーを配布します。"
            "ごみ集積所の看板も順次張り替えます。",
            "ご不便をおかけしますが、ご理解とご協力をお願いします。",
        ],
        details=[("変更日", c.md(start)), ("対象地域", f"{towns[0]}、{towns[1]}の一部"),
                 ("変更前", old), ("変更後", new)],
        section=c.sec("収集業務課", "地域振興課"), event_date=start,
    )


@template(C, "kankyo")
def shudan_kaishu(c: Ctx) -> Draft:
    end = c.day(20, 40)
    return Draft(
        title=f"資源集団回収の実施団体に奨励金を交付します（{c.fy()}）",
        paragraphs=[
            "自治会・町内会、子ども会、PTAなどが行う古紙や古布、アルミ缶などの集団回収に対し、"
            f"回収量1キログラムあたり{c.num(3, 6)}円の奨励金を交付しています。",
            "新たに始める団体は、事前に登録が必要です。回収業者の紹介も行っています。",
        ],
        details=[("対象", "市内で資源集団回収を行う営利を目的としない団体"),
                 ("登録締切", c.md(end)), ("申請方法", "登録申請書を資源循環課へ提出（郵送・電子申請可）")],
        section="資源循環課", deadline=end,
    )


@template(C, "kankyo")
def kojo_kengaku(c: Ctx) -> Draft:
    d = c.weekday(14, 40)
    end = c.before(d, 7, 12)
    plant = c.pick(["北部清掃工場", "南部清掃工場", "リサイクルプラザ"])
    return Draft(
        title=f"{plant}の{c.pick(['親子見学会', '施設見学会', 'ごみ処理施設バスツアー'])}参加者募集",
        paragraphs=[
            f"燃やすごみがどのように処理されているか、{plant}の中央制御室やごみピットを見学します。"
            "巨大なクレーンがごみをつかむ様子は迫力満点です。",
            "見学の後は、分別クイズや再生品の工作体験を予定しています。",
        ],
        details=[("日時", f"{c.md(d)} {c.hours()}"), ("場所", plant),
                 ("対象", c.pick(["小学生とその保護者", "市内在住・在勤・在学の方"])),
                 ("定員", f"{c.num(20, 40, 5)}人（申込多数の場合は抽選）"), ("費用", "無料"),
                 ("申込締切", c.md(end))],
        section="資源循環課", event_date=d, deadline=end,
    )


@template(C, "kankyo", WARD_OFFICE)
def fuho_toki(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["不法投棄の防止にご協力ください", "不法投棄防止パトロールを強化します"]),
        paragraphs=[
            f"{c.ward.name}の{c.park()}周辺や河川敷で、家電製品やタイヤなどの不法投棄が見つかっています。",
            "不法投棄は法律で禁止されており、5年以下の懲役若しくは1,000万円以下の罰金"
            "又はその併科が科せられます。",
            "市では監視カメラの設置や夜間パトロールを行っています。"
            "不法投棄を見かけたら、日時や車両ナンバーなどを控えてご連絡ください。",
        ],
        section=c.sec("収集業務課", "地域振興課"),
    )


@template(C, "kankyo")
def namagomi_hojo(c: Ctx) -> Draft:
    end = c.day(60, 150)
    return Draft(
        title="生ごみ処理機・コンポスト容器の購入費を補助します",
        paragraphs=[
            "家庭から出る生ごみを減らすため、生ごみ処理機やコンポスト容器を購入した方に"
            "購入費の一部を補助します。",
            f"電気式生ごみ処理機は購入費の2分の1（上限{c.yen(20000, 30000, 5000)}）、"
            f"コンポスト容器は購入費の2分の1（上限{c.yen(3000, 5000, 1000)}）です。",
            "予算の範囲内で先着順に受け付けます。",
        ],
        details=[("対象", "市内在住で、購入した機器を市内の自宅で使用する方"),
                 ("申請期限", f"購入日から3か月以内（最終受付 {c.md(end)}）")],
        section="資源循環課", deadline=end,
    )


@template(C, "kankyo", WARD_OFFICE)
def kogata_kaden(c: Ctx) -> Draft:
    place = c.hall()
    return Draft(
        title=f"小型家電回収ボックスを{place}に設置しました",
        paragraphs=[
            f"使用済み小型家電のリサイクルを進めるため、{c.ward.name}の{place}に回収ボックスを設置しました。",
            "携帯電話、デジタルカメラ、ゲーム機、ACアダプターなど、投入口（縦15センチ×横30センチ）に"
            "入る大きさの物が対象です。",
            "個人情報の入った機器は、データを消去してから投入してください。"
            "乾電池やリチウムイオン電池は取り外してください。",
        ],
        details=[("設置場所", f"{place} 1階ロビー"), ("利用時間", "施設の開館時間内")],
        section=c.sec("資源循環課", "地域振興課"),
    )


@template(C, "kankyo", WARD_OFFICE)
def calendar(c: Ctx) -> Draft:
    return Draft(
        title=f"{c.next_fy()}家庭ごみ収集カレンダーを配布します",
        paragraphs=[
            f"{c.next_fy()}の家庭ごみ収集カレンダーを、{c.md(c.day(10, 30))}から自治会・町内会を通じて"
            "各世帯へ配布します。",
            "区役所、市民センター、公民館でも配布しています。"
            "ごみ分別アプリ「わかばのごみナビ」では、収集日の前日にお知らせを受け取れます。",
        ],
        section=c.sec("収集業務課", "地域振興課"), attachment=pdf("収集カレンダー（全地区）", c.rng),
    )


@template(C, "kankyo")
def spray(c: Ctx) -> Draft:
    n = c.num(3, 12)
    return Draft(
        title="スプレー缶やリチウムイオン電池による収集車の火災が発生しています",
        paragraphs=[
            f"今年度、ごみ収集車や清掃工場で{n}件の火災が発生しました。"
            "原因の多くは、中身の残ったスプレー缶やカセットボンベ、燃やさないごみに混入した"
            "リチウムイオン電池です。",
            "スプレー缶は中身を使い切ってから、穴を開けずに「有害・危険ごみ」の日に出してください。"
            "リチウムイオン電池は家電量販店等の回収箱をご利用ください。",
        ],
        section="収集業務課",
    )


@template(C, "kankyo", WARD_OFFICE)
def food_drive(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    return Draft(
        title=f"フードドライブを実施します（{c.ward.name}）",
        paragraphs=[
            "ご家庭で余っている食品をお持ちください。集まった食品は、フードバンクを通じて"
            "支援が必要な世帯や子ども食堂に届けます。食品ロスの削減にご協力ください。",
            "賞味期限が2か月以上残っている常温保存の未開封品が対象です。",
        ],
        details=[("日時", f"{c.md(d)} 午前10時から午後3時まで"), ("場所", c.hall()),
                 ("受付できない物", "生鮮食品、冷蔵・冷凍品、アルコール類、手作りの物")],
        section=c.sec("資源循環課", "地域振興課"), event_date=d,
    )
