package classify

// Category ids. They are part of the public API: they appear in Doc.categories,
// in alert rules and in reports. A subtype id is its parent id, a dot and a
// suffix; when a subtype scores, its parent scores the max of its subtypes.
const (
	Fraud                = "fraud"
	FraudImpersonation   = "fraud.impersonation"
	FraudLoan            = "fraud.loan"
	FraudCustomerService = "fraud.customer_service"
	FraudAcquaintance    = "fraud.acquaintance"
	FraudInvestment      = "fraud.investment"
	FraudPrize           = "fraud.prize"

	IllegalFundraising = "illegal_fundraising"
	Gambling           = "gambling"
	Drugs              = "drugs"
	Pornography        = "pornography"
	WeaponsExplosives  = "weapons_explosives"
	ViolentThreat      = "violent_threat"
	SpamAd             = "spam_ad"

	IncidentFire            = "incident.fire"
	IncidentExplosion       = "incident.explosion"
	IncidentTraffic         = "incident.traffic"
	IncidentNaturalDisaster = "incident.natural_disaster"
	IncidentPublicHealth    = "incident.public_health"
	IncidentFoodSafety      = "incident.food_safety"
	IncidentPollution       = "incident.pollution"
	IncidentWorkSafety      = "incident.work_safety"
	IncidentTerrorAttack    = "incident.terror_attack"
	IncidentStampede        = "incident.stampede"
)

// Category is one entry of the Taxonomy.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"` // Chinese display name
	// Parent is the parent id of a subtype ("fraud" for "fraud.loan"),
	// empty for a top-level category. The incident.* ids have no parent
	// category of their own: "incident" is a family, not a score.
	Parent string `json:"parent,omitempty"`
}

// Taxonomy lists every category a Result may contain, parents before their
// subtypes.
var Taxonomy = []Category{
	{ID: Fraud, Name: "诈骗"},
	{ID: FraudImpersonation, Name: "冒充公检法/政府", Parent: Fraud},
	{ID: FraudLoan, Name: "贷款/信用卡诈骗", Parent: Fraud},
	{ID: FraudCustomerService, Name: "冒充客服/退款", Parent: Fraud},
	{ID: FraudAcquaintance, Name: "冒充领导/熟人", Parent: Fraud},
	{ID: FraudInvestment, Name: "投资理财/杀猪盘", Parent: Fraud},
	{ID: FraudPrize, Name: "虚假中奖", Parent: Fraud},
	{ID: IllegalFundraising, Name: "非法集资/传销"},
	{ID: Gambling, Name: "赌博"},
	{ID: Drugs, Name: "毒品"},
	{ID: Pornography, Name: "色情"},
	{ID: WeaponsExplosives, Name: "枪支爆炸物"},
	{ID: ViolentThreat, Name: "暴力威胁"},
	{ID: SpamAd, Name: "垃圾广告"},
	{ID: IncidentFire, Name: "火灾"},
	{ID: IncidentExplosion, Name: "爆炸"},
	{ID: IncidentTraffic, Name: "交通事故"},
	{ID: IncidentNaturalDisaster, Name: "自然灾害"},
	{ID: IncidentPublicHealth, Name: "公共卫生事件"},
	{ID: IncidentFoodSafety, Name: "食品安全事件"},
	{ID: IncidentPollution, Name: "环境污染"},
	{ID: IncidentWorkSafety, Name: "安全生产事故"},
	{ID: IncidentTerrorAttack, Name: "恐怖袭击"},
	{ID: IncidentStampede, Name: "踩踏事件"},
}

// Lookup returns the Taxonomy entry for id.
func Lookup(id string) (Category, bool) {
	for _, c := range Taxonomy {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}
