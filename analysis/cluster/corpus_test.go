package cluster

import "fmt"

// original is a post written for these tests, with a hand-written
// traditional-character version for some of them.
type original struct {
	text string
	trad string
}

// originals are distinct posts: none is a repost of another. Several pairs
// report the same event or scam in different words (marked "same topic");
// they must end up in different clusters.
var originals = []original{
	{ // 0: fire, news style
		text: "【突发】今天下午3点左右，杭州市西湖区文三路一居民楼发生火灾，浓烟从6楼窗户冒出。消防救援人员已赶到现场处置，目前火势已被控制，暂无人员伤亡报告，起火原因正在调查中。",
		trad: "【突發】今天下午3點左右，杭州市西湖區文三路一居民樓發生火災，濃煙從6樓窗戶冒出。消防救援人員已趕到現場處置，目前火勢已被控制，暫無人員傷亡報告，起火原因正在調查中。",
	},
	{ // 1: same topic as 0, eyewitness style
		text: "西湖区文三路某小区今天下午起火，据目击者称火是从六楼一户人家烧起来的，楼里的住户都被疏散到楼下，消防车来了好几辆，具体情况还不清楚。",
	},
	{ // 2: bank phishing SMS
		text: "【95588】尊敬的客户，您的账户因涉嫌异常交易已被冻结，请立即点击 http://icbc-verify.cc 完成身份验证，逾期将永久停用。",
		trad: "【95588】尊敬的客戶，您的賬戶因涉嫌異常交易已被凍結，請立即點擊 http://icbc-verify.cc 完成身份驗證，逾期將永久停用。",
	},
	{ // 3: parcel scam SMS, short
		text: "您的快递因地址不详被退回，请点击链接重新填写收货信息：t.cn/xyz123",
		trad: "您的快遞因地址不詳被退回，請點擊鏈接重新填寫收貨信息：t.cn/xyz123",
	},
	{ // 4: police warning about fake officials
		text: "【公安提醒】近期有不法分子冒充公检法工作人员，以“涉嫌洗钱”为由要求市民将资金转入所谓“安全账户”。公安机关不会通过电话办案，更没有安全账户，请广大市民提高警惕，谨防上当受骗。",
		trad: "【公安提醒】近期有不法分子冒充公檢法工作人員，以「涉嫌洗錢」為由要求市民將資金轉入所謂「安全賬戶」。公安機關不會通過電話辦案，更沒有安全賬戶，請廣大市民提高警惕，謹防上當受騙。",
	},
	{ // 5: same topic as 4, first person
		text: "接到一个自称是检察院的电话，说我的银行卡涉嫌洗钱，要我把钱转到他们指定的账户接受调查，我直接挂了，大家小心。",
	},
	{ // 6: "new number" scam SMS
		text: "爸，我手机掉水里了，这是我新号码，急需交一笔培训费五千元，你先转到这个账户上，晚点给你打电话。",
		trad: "爸，我手機掉水裡了，這是我新號碼，急需交一筆培訓費五千元，你先轉到這個賬戶上，晚點給你打電話。",
	},
	{ // 7: statistics, official
		text: "国家统计局今日发布数据，今年前三季度全国居民人均可支配收入同比名义增长5.2%，扣除价格因素实际增长4.9%，城镇居民和农村居民收入均保持稳定增长。",
		trad: "國家統計局今日發佈數據，今年前三季度全國居民人均可支配收入同比名義增長5.2%，扣除價格因素實際增長4.9%，城鎮居民和農村居民收入均保持穩定增長。",
	},
	{ // 8: same topic as 7, popular style
		text: "统计部门公布的最新数字显示，前三个季度老百姓的钱包又鼓了一些，农村居民收入增速继续快于城镇居民，消费支出也在稳步回升。",
	},
	{ // 9: motorway pile-up
		text: "今晨7时许，沪昆高速江西段发生多车追尾事故，共涉及9辆车，造成3人受伤，伤者已送医救治，无生命危险。受事故影响，该路段南昌方向交通拥堵约5公里，交警提醒过往车辆绕行。",
		trad: "今晨7時許，滬昆高速江西段發生多車追尾事故，共涉及9輛車，造成3人受傷，傷者已送醫救治，無生命危險。受事故影響，該路段南昌方向交通擁堵約5公里，交警提醒過往車輛繞行。",
	},
	{ // 10: school canteen, news
		text: "某某小学食堂被家长曝出使用过期食材，多名学生出现腹痛呕吐症状，目前已送往医院观察。区教育局回应称已成立调查组，涉事食堂暂停营业。",
	},
	{ // 11: same topic as 10, parent's post
		text: "家长群里都在说学校饭菜有问题，我家孩子昨晚回来就说肚子疼，今天好几个同学都请假了，希望学校给个说法。",
	},
	{ // 12: prize scam SMS
		text: "恭喜您被抽中为本次幸运用户，获得苹果手机一部，只需支付邮费99元即可领取，详情请加微信客服 lucky8866 咨询。",
	},
	{ // 13: metro timetable
		text: "本市将于下周一起调整地铁运营时间，1号线、2号线末班车延长至23:30，周五、周六再延长半小时，方便市民夜间出行。",
	},
	{ // 14: rainstorm warning
		text: "暴雨红色预警！气象台预计未来6小时内我市大部分地区将出现100毫米以上降水，请市民尽量减少外出，远离河道、低洼地带和地下通道，注意防范城市内涝和山洪地质灾害。",
		trad: "暴雨紅色預警！氣象台預計未來6小時內我市大部分地區將出現100毫米以上降水，請市民盡量減少外出，遠離河道、低窪地帶和地下通道，注意防範城市內澇和山洪地質災害。",
	},
	{ // 15: same topic as 14, street view
		text: "外面雨下得好大，小区门口的路已经淹到小腿了，车都开不过去，大家下班回家一定小心，能不出门就别出门。",
	},
	{ // 16: counterfeit cosmetics
		text: "某网红直播带货销售假冒名牌化妆品，涉案金额超过两千万元。市场监管部门联合公安机关开展行动，查封仓库三处，扣押假冒产品一万余件，相关人员已被依法刑事拘留。",
		trad: "某網紅直播帶貨銷售假冒名牌化妝品，涉案金額超過兩千萬元。市場監管部門聯合公安機關開展行動，查封倉庫三處，扣押假冒產品一萬餘件，相關人員已被依法刑事拘留。",
	},
	{ // 17: mobile points scam SMS
		text: "【中国移动】您的话费积分即将清零，可兑换现金红包298元，请登录 jf-10086.top 立即兑换，过期作废。",
	},
	{ // 18: ordinary life post
		text: "今天带孩子去了新开的科技馆，里面的机器人展区和天文馆都特别有意思，孩子玩了一整天都不想走，周末人比较多，建议大家提前在网上预约。",
	},
	{ // 19: chemical tanker
		text: "一辆载有危险化学品的槽罐车在G15高速宁波段侧翻，车内液体发生泄漏，消防部门紧急出动进行堵漏和稀释作业，周边两公里范围内的村民已被疏散，事故未造成人员伤亡。",
		trad: "一輛載有危險化學品的槽罐車在G15高速寧波段側翻，車內液體發生洩漏，消防部門緊急出動進行堵漏和稀釋作業，周邊兩公里範圍內的村民已被疏散，事故未造成人員傷亡。",
	},
	{ // 20: flu report
		text: "市卫健委通报：截至昨日24时，本市累计报告流感样病例较上周上升12%，以儿童和老年人为主。专家建议高危人群尽快接种流感疫苗，出现发热症状及时就医。",
	},
	{ // 21: loan account scam
		text: "你好，我是平台客服，你的网贷账户存在异常，需要注销，否则会影响个人征信，请下载会议软件配合操作。",
	},
	{ // 22: earthquake, eyewitness
		text: "刚刚地震了！我在成都高新区，楼晃得很明显，桌上的水杯都在动，有没有人知道震中在哪？",
		trad: "剛剛地震了！我在成都高新區，樓晃得很明顯，桌上的水杯都在動，有沒有人知道震中在哪？",
	},
	{ // 23: same topic as 22, official
		text: "中国地震台网正式测定：今日14时32分在四川雅安市芦山县发生5.1级地震，震源深度12公里，成都、眉山等地震感明显，暂无人员伤亡报告。",
	},
	{ // 24: campus death
		text: "某高校研究生在宿舍内坠楼身亡，校方发布情况通报称，已第一时间报警并配合警方调查，对学生的离世深表哀痛，将全力做好家属安抚工作。",
	},
	{ // 25: tenant complaint
		text: "房东突然要求涨租30%，不同意就让我们月底前搬走，押金也不退，合同还没到期，请问这种情况应该找谁维权？",
	},
	{ // 26: grain purchase policy
		text: "今年秋粮收购工作全面展开，各地粮食部门加强市场监测，严格执行最低收购价政策，确保农民售粮顺畅，守住“种粮卖得出”的底线。",
	},
	{ // 27: investment scam victim
		text: "投资理财群里天天有人晒收益，老师说跟着操作稳赚不赔，我先投了两万已经提现成功，现在让我追加二十万，这是不是骗局？",
	},
	{ // 28: shop advert
		text: "本店即日起全场商品八折优惠，会员再享积分翻倍，活动截止到本月底，欢迎新老顾客光临选购。",
	},
	{ // 29: noise complaint
		text: "凌晨两点楼下烧烤店还在放音乐，吵得整栋楼的人都睡不着，打了好几次12345也没人管，明天还要上班，真的崩溃了。",
	},
	{ // 30: spring festival travel
		text: "交通运输部消息：春运期间全国铁路预计发送旅客4.8亿人次，同比增长约8%，各地车站将增开临时列车，并延长售票窗口服务时间。",
	},
	{ // 31: hospital overcharging
		text: "某医院被曝在患者不知情的情况下重复收费，一次住院多收费用近万元。医院回应称系系统错误，已全额退还并对相关责任人进行处理。",
	},
	{ // 32: customs parcel scam SMS
		text: "【顺丰速运】您有一个包裹因未缴纳关税被海关扣留，请于24小时内拨打 400-123-4567 缴纳，否则将退回发件地。",
	},
	{ // 33: river pollution complaint
		text: "某化工厂排放的污水直接流进了村旁的小河，河水发黑发臭，鱼大量死亡，村民多次反映无果，希望有关部门能来看看。",
	},
	{ // 34: fake classmate scam warning
		text: "冒充“老同学”借钱的骗局又来了：对方用熟人头像加你微信，先拉家常，再说急用钱让你帮忙转账，请大家一定先电话核实身份。",
		trad: "冒充「老同學」借錢的騙局又來了：對方用熟人頭像加你微信，先拉家常，再說急用錢讓你幫忙轉賬，請大家一定先電話核實身份。",
	},
	{ // 35: delivery rider
		text: "外卖骑手在暴雨中送餐摔倒，顾客不但没有责怪反而给他转了红包，还送上一杯热姜茶，暖心一幕被监控拍下。",
	},
	{ // 36: credit card SMS, short
		text: "【建设银行】您尾号8866的信用卡额度已提升至5万元，回复Y确认。",
		trad: "【建設銀行】您尾號8866的信用卡額度已提升至5萬元，回覆Y確認。",
	},
	{ // 37: social security scam SMS, short
		text: "您的社保卡已暂停使用，请速拨打咨询电话办理恢复手续。",
	},
	{ // 38: same topic as 3, another parcel scam wording
		text: "亲，您购买的商品在运输途中丢失，我们将为您办理双倍理赔，请添加客服QQ完成退款。",
	},
	{ // 39: same topic as 36, a real bank notice
		text: "【建设银行】您尾号4321的账户于11月20日支出人民币1280.00元，余额5632.17元。",
	},
	{ // 40: long incident report
		text: "【最新通报】11月19日22时许，江苏省苏州市吴中区一化工企业仓库发生火灾并伴有爆炸声，周边多个小区居民反映窗户玻璃震碎。接警后，当地消防部门调派18辆消防车、90余名指战员赶赴现场扑救，经过约3小时奋战，明火于次日凌晨1时被扑灭。事故造成2人轻伤，已送医治疗，无人员死亡。生态环境部门对周边空气和水体开展持续监测，目前各项指标未见异常，事故原因正在进一步调查中。",
	},
	{ // 41: long impersonation-fraud script
		text: "您好，我是某某市公安局反诈中心的民警，工号0371。经核查，您名下的一张银行卡近期被不法分子用于跨境洗钱，涉案金额高达380万元，目前案件已移交检察院。为了证明您的清白，您需要配合我们进行资金清查，请立即下载我们提供的安全防护软件并开启屏幕共享，按照指示将卡内资金转入国家指定的安全账户，核查结束后会全额退还。此案属于机密，请勿向家人朋友透露，否则将追究您的法律责任。",
	},
	{ // 42: long personal post
		text: "说一下今天在地铁上遇到的事：早高峰二号线特别挤，一位老奶奶上车后没有座位，旁边一个穿校服的初中生马上站起来让座，还帮老人把菜篮子放好。老人一直说谢谢，小姑娘笑着说不客气就戴上耳机继续背单词了。车厢里好几个人都在偷偷拍照，我也是。现在的孩子真的很懂事，希望这样的小善举能多一些，也希望大家早高峰互相体谅一点。",
		trad: "說一下今天在地鐵上遇到的事：早高峰二號線特別擠，一位老奶奶上車後沒有座位，旁邊一個穿校服的初中生馬上站起來讓座，還幫老人把菜籃子放好。老人一直說謝謝，小姑娘笑著說不客氣就戴上耳機繼續背單詞了。車廂裡好幾個人都在偷偷拍照，我也是。現在的孩子真的很懂事，希望這樣的小善舉能多一些，也希望大家早高峰互相體諒一點。",
	},
	{ // 43: long public-service notice
		text: "为进一步做好冬季供暖保障工作，市住房和城乡建设局决定自11月15日起全面启动城区集中供暖，较往年提前5天。各供热企业要加强管网巡查和设备检修，确保室内温度不低于18摄氏度。居民如遇暖气不热、漏水等问题，可拨打供热服务热线或通过政务服务平台反映，相关部门将在24小时内上门处理，并对处理结果进行回访。",
	},
	{ // 44: long food-safety report
		text: "近日有网友在社交平台发布视频，称在某连锁奶茶店购买的饮品中喝出异物，视频迅速引发关注。当地市场监管局接到举报后立即组织执法人员对涉事门店进行突击检查，现场发现部分原料超过保质期、操作间卫生状况较差等问题，已依法责令门店停业整改，并对相关原料进行抽样送检。该品牌总部随后发布致歉声明，表示将对全国门店开展自查。",
	},
	{ // 45: same topic as 40, eyewitness
		text: "昨晚十点多家里窗户突然震了一下，还以为是地震，出门一看吴中那边火光冲天，好多消防车往那边开，听说是化工厂着火了，不知道有没有人受伤，空气里有股怪味。",
	},
}

// singles are further unrelated posts that nobody reposts.
var singles = []string{
	"今天天气不错，去公园散步了，晚上和朋友一起吃火锅。",
	"求推荐适合初学者的吉他，预算两千以内，谢谢大家。",
	"杭州今日最高气温18度，明天有小雨，出门记得带伞。",
	"我们单位楼下新开了一家面馆，牛肉面分量很足，推荐。",
	"西湖区消防大队今日开展消防安全进社区活动，向居民讲解灭火器使用方法。",
	"警惕！接到自称快递客服的电话说要理赔的，都是骗子，千万别转账。",
}

// repostKinds turn an original into one kind of repost; ids name them in
// test output.
var repostKinds = []struct {
	name string
	make func(i int, s string) string
}{
	{"prefix-转发", func(_ int, s string) string { return "转发:" + s }},
	{"prefix-//@", func(_ int, s string) string { return "//@某某:" + s }},
	{"comment-//@", func(_ int, s string) string { return "太可怕了，扩散！//@小王同学:" + s }},
	{"prefix-转自微博+tag", func(_ int, s string) string { return "转自微博：" + s + "[泪]" }},
	{"emoji", func(_ int, s string) string { return s + "😭🙏" }},
	{"tags", func(_ int, s string) string { return s + "[蜡烛][蜡烛][怒]" }},
	{"truncate", func(i int, s string) string { return truncate(s, 0.80+0.05*float64(i%3)) }},
	{"typo", func(i int, s string) string { return typo(i, s) }},
	{"edit", func(i int, s string) string { return edit(i, s) }},
	{"prefix+truncate+emoji", func(i int, s string) string {
		return "转发:" + truncate(s, 0.85+0.05*float64(i%2)) + "🙏"
	}},
}

// truncate keeps the first frac of s's characters.
func truncate(s string, frac float64) string {
	r := []rune(s)
	return string(r[:int(float64(len(r))*frac)])
}

// typo changes one character, as a reposter fixing or making a typo.
func typo(i int, s string) string {
	r := []rune(s)
	r[len(r)/3+i%4] = []rune("的了是在有和")[i%6]
	return string(r)
}

// edit changes two characters and inserts one, at positions that depend on
// i, the way a reposter fixes a word or makes a typo.
func edit(i int, s string) string {
	r := []rune(s)
	subs := []rune("的了是在有和")
	n := len(r)
	p1, p2, p3 := n/5+i%3, n/2+i%5, 4*n/5-i%4
	r[p1] = subs[i%len(subs)]
	r[p2] = subs[(i+2)%len(subs)]
	out := append([]rune{}, r[:p3]...)
	out = append(out, '啊')
	return string(append(out, r[p3:]...))
}

// labelled is one document of the test corpus with its true cluster.
type labelled struct {
	id    string
	text  string
	truth int // index into originals, or -1-i for singles[i]
	trad  bool
}

// sameTopic lists pairs of originals about the same event or scam written
// independently: they must not share a cluster.
var sameTopic = [][2]int{{0, 1}, {4, 5}, {7, 8}, {10, 11}, {14, 15}, {22, 23}, {3, 38}, {36, 39}, {40, 45}, {4, 41}, {5, 41}}

// corpus returns every original, its reposts and traditional versions,
// and the singles, in a fixed order: originals first, so the first
// document of each true cluster is the original.
func corpus() []labelled {
	var docs []labelled
	for i, o := range originals {
		docs = append(docs, labelled{id: docID(i, "orig"), text: o.text, truth: i})
	}
	for i, o := range originals {
		for _, k := range repostKinds {
			docs = append(docs, labelled{id: docID(i, k.name), text: k.make(i, o.text), truth: i})
		}
		if o.trad != "" {
			docs = append(docs, labelled{id: docID(i, "trad"), text: o.trad, truth: i, trad: true})
			docs = append(docs, labelled{id: docID(i, "trad-repost"), text: "轉發：" + o.trad + "[淚]", truth: i, trad: true})
		}
	}
	for i, s := range singles {
		docs = append(docs, labelled{id: docID(-1-i, "single"), text: s, truth: -1 - i})
	}
	return docs
}

func docID(i int, kind string) string {
	if i < 0 {
		return fmt.Sprintf("doc-s%d-%s", -i, kind)
	}
	return fmt.Sprintf("doc-%d-%s", i, kind)
}
