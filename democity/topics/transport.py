"""交通・道路 notices. The 交通局 site is Shift_JIS, so its texts carry CP932-only
characters (①, ㈱, 髙) the way real notices do."""

# Japanese prose renders double-width, so notice text lines exceed the 100-column limit.
# ruff: noqa: E501

from __future__ import annotations

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

C = "transport"
OPERATOR = "若葉野交通㈱"  # the contracted bus operator, written as CMS editors do
STOPS = ["髙見台", "髙見台団地", "清流町", "上沢車庫"]  # 髙 (hashigo-daka) is CP932-only


def _route(c: Ctx) -> str:
    return f"{c.pick(['若', '桜', '川', '緑', '浜', '北'])}{c.num(10, 79)}系統"


@template(C, "kotsu")
def daiya(c: Ctx) -> Draft:
    d = c.day(14, 40)
    routes = [_route(c) for _ in range(3)]
    return Draft(
        title=f"市バスのダイヤ改正について（{c.md(d)}実施）",
        paragraphs=[
            f"{c.md(d)}（始発）から、市バスのダイヤを改正します。主な改正内容は次のとおりです。",
            f"① {routes[0]}：{c.ward.name}の{c.station()}発の最終便を30分繰り下げます。"
            f"② {routes[1]}：運転士不足のため、日中の便を1時間あたり{c.num(1, 2)}本減便します。"
            f"③ {routes[2]}：{c.pick(STOPS)}経由の便を新設します。",
            f"一部の路線は{OPERATOR}への運行委託を継続します。",
        ],
        details=[("改正日", c.md(d)), ("時刻表", "各停留所、市バスホームページ、バス案内アプリで公開")],
        section="運輸課", attachment=pdf("新旧時刻表", c.rng), event_date=d,
    )


@template(C, "toshi", WARD_OFFICE)
def tsuko_dome(c: Ctx) -> Draft:
    start = c.day(5, 30)
    end = c.plus(start, c.num(2, 30))
    road = f"市道{c.town()}{c.pick(['線', '1号線', '2号線', '中央線'])}"
    return Draft(
        title=f"道路工事に伴う通行止めのお知らせ（{c.ward.name} {road}）",
        paragraphs=[
            f"{c.pick(['下水道管の更新', '舗装の打ち換え', '水道管の布設替え', '歩道の拡幅'])}工事のため、"
            f"{road}の一部区間を通行止めにします。",
            "工事期間中は、迂回路への案内看板を設置し、交通誘導員を配置します。"
            "ご迷惑をおかけしますが、ご理解とご協力をお願いします。",
        ],
        details=[("期間", c.span(start, end) + "（雨天等により延期する場合があります）"),
                 ("時間", c.pick(["午前9時から午後5時まで", "午後9時から翌朝午前6時まで（夜間工事）"])),
                 ("区間", f"{c.town()}交差点から{c.station()}入口交差点まで")],
        section=c.sec("道路保全課", "地域振興課"), event_date=start,
    )


@template(C, WARD_OFFICE, "toshi")
def hochi_jitensha(c: Ctx) -> Draft:
    station = c.station()
    return Draft(
        title=f"{station}周辺の放置自転車を撤去します",
        paragraphs=[
            f"{station}周辺は自転車等放置禁止区域に指定されています。"
            "区域内に放置された自転車・原動機付自転車は、警告札を付けた後に撤去します。",
            f"撤去した自転車は保管所で{c.num(30, 60)}日間保管します。返還には撤去保管料"
            f"（自転車{c.yen(2000, 3000, 500)}）が必要です。",
            "駅周辺の駐輪場をご利用ください。",
        ],
        details=[("保管所", f"{c.ward.name}自転車保管所"), ("返還時間", "平日 午前10時から午後7時まで")],
        section=c.sec("道路保全課", "地域振興課"),
    )


@template(C, "toshi")
def churinjo(c: Ctx) -> Draft:
    start, end = c.day(5, 10), c.day(15, 25)
    return Draft(
        title=f"市営駐輪場の定期利用者を募集します（{c.ward.name} {c.station()}）",
        paragraphs=[
            f"{c.station()}自転車駐車場の定期利用者を募集します。"
            "申込多数の場合は、駅からの距離等を考慮して抽選を行います。",
            f"定期利用料金は、一般1か月{c.yen(1500, 2500, 100)}、学生1か月{c.yen(1000, 1500, 100)}です。",
        ],
        details=[("受付期間", c.span(start, end)), ("申込方法", "電子申請又は駐輪場管理事務所")],
        section="道路保全課", deadline=end,
    )


@template(C, "kotsu")
def busstop(c: Ctx) -> Draft:
    d = c.day(10, 30)
    stop = c.pick(STOPS)
    return Draft(
        title=f"バス停留所「{stop}」の移設について",
        paragraphs=[
            f"道路改良工事に伴い、{c.md(d)}から「{stop}」停留所を約{c.num(30, 80)}メートル"
            f"{c.pick(['北側', '南側', '東側', '西側'])}へ移設します。",
            "① 移設後の停留所には上屋とベンチを設置します。② 時刻の変更はありません。",
            f"お問い合わせは交通局営業課又は{OPERATOR}営業所までお願いします。",
        ],
        details=[("移設日", c.md(d)), ("対象系統", f"{_route(c)}・{_route(c)}")],
        section="営業課", event_date=d,
    )


@template(C, "kotsu")
def keiro_pass(c: Ctx) -> Draft:
    end = c.day(30, 60)
    return Draft(
        title="敬老パス（高齢者特別乗車証）の更新手続きについて",
        paragraphs=[
            "敬老パスの有効期限が近づいている方に、更新のご案内を送付しました。",
            "① 更新は、案内に同封の申請書を郵送するか、交通局定期券発売所でお手続きください。"
            f"② 負担金は年額{c.yen(3000, 8000, 1000)}（所得により異なります）です。",
            f"③ {c.pick(STOPS)}など郊外の停留所でも、ICカードの継続更新機でお手続きいただけます。",
        ],
        details=[("対象", "市内在住の70歳以上の方"), ("更新期限", c.md(end))],
        section="営業課", deadline=end,
    )


@template(C, "toshi")
def kyoryo(c: Ctx) -> Draft:
    start = c.day(14, 45)
    bridge = f"{c.pick(['若葉', '川辺', '桜', '汐見', '清流', '錦'])}橋"
    return Draft(
        title=f"{bridge}の補修工事に伴う車線規制について",
        paragraphs=[
            f"老朽化した{bridge}の長寿命化のため、床版と伸縮装置の補修工事を行います。",
            f"工事期間中は片側交互通行となります。{c.ward.name}方面へお越しの方は時間に余裕を持って"
            "お出かけください。",
        ],
        details=[("期間", f"{c.md(start)}から約{c.num(2, 6)}か月間"), ("規制内容", "片側交互通行（終日）")],
        section="道路保全課", event_date=start,
    )


@template(C, "kotsu")
def ukai(c: Ctx) -> Draft:
    d = c.weekend(7, 30)
    event = c.pick(["若葉野シティマラソン", "港まつりパレード", "市民駅伝大会"])
    return Draft(
        title=f"{event}開催に伴う市バスの迂回運行について",
        paragraphs=[
            f"{c.md(d)}は{event}の開催に伴う交通規制のため、一部の路線で迂回運行を行います。",
            "① 迂回中は一部の停留所を通過します。② 道路の混雑により大幅な遅れが見込まれます。",
            f"③ {c.pick(STOPS)}方面は臨時停留所をご利用ください。",
        ],
        details=[("日時", f"{c.md(d)} 午前7時頃から午後2時頃まで"), ("対象系統", _route(c))],
        section="運輸課", event_date=d,
    )


@template(C, "kotsu")
def ic_card(c: Ctx) -> Draft:
    d = c.day(20, 60)
    return Draft(
        title="市バス・地下鉄でクレジットカードのタッチ決済が使えるようになります",
        paragraphs=[
            f"{c.md(d)}から、市バス全路線と地下鉄若葉野線の全駅で、クレジットカード等のタッチ決済による"
            "乗車ができるようになります。",
            "① 運賃はICカードと同額です。② 乗継割引は対象外です。"
            f"③ 機器の設置工事は{OPERATOR}の委託路線を含めて順次行います。",
        ],
        details=[("開始日", c.md(d))],
        section="営業課", event_date=d,
    )


@template(C, "kotsu")
def chikatetsu(c: Ctx) -> Draft:
    d = c.weekday(10, 40)
    return Draft(
        title="地下鉄若葉野線 駅エレベーターの更新工事について",
        paragraphs=[
            f"{c.ward.name}の{c.station()}で、エレベーターの更新工事を行います。"
            f"工事期間中（{c.md(d)}から約3か月）はエレベーターを利用できません。",
            "① 車いすをご利用の方は駅係員にお声がけください。② 隣接駅までの無料送迎を行います。",
        ],
        details=[("工事開始", c.md(d))],
        section="施設課", event_date=d,
    )


@template(C, "toshi", WARD_OFFICE)
def helmet(c: Ctx) -> Draft:
    end = c.day(60, 150)
    return Draft(
        title="自転車用ヘルメットの購入費を補助します",
        paragraphs=[
            "自転車に乗るときのヘルメットの着用は、すべての年齢の方の努力義務です。",
            f"安全基準を満たすヘルメットを購入した方に、{c.yen(2000, 3000, 1000)}を上限に補助します。",
        ],
        details=[("対象", "市内在住の方（1人1個まで）"), ("申請期限", c.md(end))],
        section=c.sec("道路保全課", "地域振興課"), deadline=end,
    )
