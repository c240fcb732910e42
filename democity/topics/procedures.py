"""届出・証明 notices."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "procedures"


@template(C, WARD_OFFICE, "shimin")
def mynumber_kyujitsu(c: Ctx) -> Draft:
    dates = sorted({c.weekend(7, 45) for _ in range(2)})
    return Draft(
        title=f"マイナンバーカードの休日交付・申請サポートを実施します（{c.ward.name}役所）",
        paragraphs=[
            "平日に来庁できない方のため、休日にマイナンバーカードの受取り、暗証番号の再設定、"
            "電子証明書の更新の手続きができる窓口を開設します。",
            "申請サポートでは、顔写真の撮影から申請までを職員がお手伝いします（写真撮影無料）。",
            "受取りには予約が必要です。交付通知書（はがき）に記載の方法でご予約ください。",
        ],
        details=[("日時", "、".join(c.md(d) for d in dates) + " 午前9時から午後5時まで"),
                 ("場所", f"{c.ward.name}役所 区民課"), ("持ち物", "交付通知書、本人確認書類、通知カード")],
        section=c.sec("戸籍住民課", "区民課"), event_date=dates[0],
    )


@template(C, WARD_OFFICE, "shimin")
def konzatsu(c: Ctx) -> Draft:
    return Draft(
        title=c.pick(["3月・4月は区役所の窓口が大変混雑します", "引越しシーズンの窓口混雑について"]),
        paragraphs=[
            "転入・転出などの届出が集中するため、区民課の窓口は大変混雑し、"
            "2時間以上お待ちいただく場合があります。",
            "転出届はマイナポータルからオンラインで提出できます。住民票の写しや印鑑登録証明書は、"
            "マイナンバーカードを利用してコンビニエンスストアで取得できます。",
            "窓口の待ち状況は、市ホームページの「窓口混雑状況」からリアルタイムで確認できます。",
        ],
        bullets=["比較的空いている時間帯：平日の午後3時以降", "特に混雑する日：月曜日、休日明け、月末"],
        section=c.sec("区政支援課", "区民課"),
    )


@template(C, "shimin")
def conbini_teishi(c: Ctx) -> Draft:
    d = c.weekend(5, 25)
    return Draft(
        title=f"システムメンテナンスに伴うコンビニ交付サービスの停止（{c.md(d)}）",
        paragraphs=[
            f"システムの保守作業のため、{c.md(d)}終日、コンビニエンスストア等での証明書の交付サービスを"
            "停止します。",
            "ご不便をおかけしますが、ご理解をお願いします。",
        ],
        details=[("停止日時", f"{c.md(d)} 午前6時30分から翌日午前6時30分まで"),
                 ("対象", "住民票の写し、印鑑登録証明書、戸籍証明書、所得証明書")],
        section="戸籍住民課", event_date=d,
    )


@template(C, "shimin", WARD_OFFICE)
def furigana(c: Ctx) -> Draft:
    end = c.day(200, 360)
    return Draft(
        title="戸籍に氏名の振り仮名が記載されます",
        paragraphs=[
            "戸籍法の改正により、戸籍に氏名の振り仮名が記載されることになりました。"
            "本籍地の市区町村から、記載予定の振り仮名を通知するはがきが届きます。",
            "通知された振り仮名が正しい場合は、届出は不要です。誤りがある場合は、"
            f"{c.ymd(end)}までに届出をしてください。マイナポータルからも届け出られます。",
        ],
        details=[("届出期限", c.ymd(end)), ("届出先", "本籍地又は住所地の区役所区民課")],
        section=c.sec("戸籍住民課", "区民課"), deadline=end,
    )


@template(C, "shimin")
def inkan(c: Ctx) -> Draft:
    return Draft(
        title="印鑑登録の手続きについて",
        paragraphs=[
            "印鑑登録は、15歳以上で市に住民登録がある方ができます。本人が登録する印鑑と"
            "官公署発行の顔写真付き本人確認書類（マイナンバーカード、運転免許証等）をお持ちください。",
            "顔写真付きの本人確認書類がない場合は、照会書を郵送し、回答書をお持ちいただいてから"
            "の登録となります。",
        ],
        details=[("手数料", "登録 無料／印鑑登録証明書 1通300円"), ("窓口", "各区役所区民課")],
        section="戸籍住民課",
    )


@template(C, "shimin")
def passport(c: Ctx) -> Draft:
    start = c.day(15, 60)
    return Draft(
        title=c.pick(["パスポートのオンライン申請ができます", "旅券窓口の受付時間を変更します"]),
        paragraphs=[
            f"{c.ymd(start)}から、パスポート（旅券）の切替申請をマイナポータルで受け付けます。"
            "受取りは本人が旅券窓口へお越しください。",
            "夏休みや年末年始の前は申請が集中します。渡航の予定がある方はお早めに申請してください。",
        ],
        details=[("旅券窓口", "若葉野駅前サービスセンター 3階"),
                 ("受付時間", "平日 午前9時から午後5時まで、日曜日 午前9時から午後4時まで（受取りのみ）")],
        section="戸籍住民課", event_date=start,
    )


@template(C, "shimin", WARD_OFFICE)
def hikkoshi(c: Ctx) -> Draft:
    return Draft(
        title="引越しの手続き（転入・転出・転居）",
        paragraphs=[
            "市外へ引っ越す方は転出届、市内で引っ越す方は転居届、市外から引っ越してきた方は"
            "転入届が必要です。転入・転居の届出は、引越しから14日以内に行ってください。",
            "マイナンバーカードをお持ちの方は、マイナポータルから転出届をオンラインで提出でき、"
            "転入先での来庁予約もできます（引越しワンストップサービス）。",
        ],
        bullets=["本人確認書類", "マイナンバーカード（お持ちの方）", "転出証明書（転入の場合）",
                 "国民健康保険・年金・児童手当等の手続きも同時に行えます"],
        section=c.sec("戸籍住民課", "区民課"),
    )


@template(C, WARD_OFFICE)
def kaichou_encho(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    return Draft(
        title=f"{c.ward.name}役所の休日開庁（{c.md(d)}）",
        paragraphs=[
            f"{c.md(d)}は、区民課・保険年金課の一部窓口を開庁します。"
            "転入・転出・転居の届出、証明書の発行、マイナンバーカードの交付などの手続きができます。",
            "他の市区町村や関係機関への確認が必要な手続きは、後日のご案内となる場合があります。",
        ],
        details=[("日時", f"{c.md(d)} 午前9時から正午まで"), ("場所", f"{c.ward.name}役所 1階")],
        section="区民課", event_date=d,
    )


@template(C, "shimin")
def yuso_center(c: Ctx) -> Draft:
    start = c.day(20, 60)
    return Draft(
        title="住民票の写し等の郵送請求の宛先が変わります",
        paragraphs=[
            f"{c.ymd(start)}から、住民票の写し、戸籍証明書などの郵送請求は、"
            "各区役所から「市民局 郵送請求事務センター」で一括して受け付けます。",
            "切り替え後に旧宛先へ届いた請求は、センターへ転送して処理します。",
        ],
        details=[("新しい宛先", f"{c.city.postal} {c.city.address} 郵送請求事務センター"),
                 ("開始日", c.ymd(start))],
        section="戸籍住民課", attachment=pdf("郵送請求書", c.rng), event_date=start,
    )


@template(C, "shimin")
def denshi_shinsei(c: Ctx) -> Draft:
    n = c.num(20, 60)
    return Draft(
        title=f"オンラインでできる手続きが{n}件増えました",
        paragraphs=[
            f"行政手続きのオンライン化を進めており、新たに{n}件の手続きを電子申請で受け付けるようになりました。"
            f"電子申請で受け付けている手続きは、合計{n + c.num(300, 500)}件です。",
            "電子申請システムでは、手数料のクレジットカード決済にも対応しています。",
        ],
        section="区政支援課",
    )


@template(C, "shimin", WARD_OFFICE)
def tesuryo(c: Ctx) -> Draft:
    start = c.day(30, 90)
    return Draft(
        title="証明書等の交付手数料を改定します",
        paragraphs=[
            f"{c.ymd(start)}から、窓口での住民票の写し、印鑑登録証明書等の交付手数料を"
            "1通300円から350円に改定します。",
            "コンビニ交付の手数料は200円のまま据え置きます。マイナンバーカードをお持ちの方は、"
            "便利でお得なコンビニ交付をご利用ください。",
        ],
        details=[("改定日", c.ymd(start)), ("対象", "住民票の写し、印鑑登録証明書、記載事項証明書")],
        section=c.sec("戸籍住民課", "区民課"), event_date=start,
    )
