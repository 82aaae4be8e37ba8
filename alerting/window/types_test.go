package window

import (
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/alerting/rule"
)

// Every rule type, as a timeline, against every store. Cases marked
// localOnly depend on keys expiring by the test clock, which a real Redis
// does not follow (its ttl is wall time).
var typeCases = []struct {
	name      string
	rules     []rule.Rule
	timeline  string
	localOnly bool
}{{
	name:  "any fires on every post",
	rules: []rule.Rule{{ID: "any", Type: rule.TypeAny}},
	timeline: `
		at 0s post source=weibo
		at 5s post source=weibo
		expect fire any between 0s 0s times=1
		expect fire any between 5s 5s times=1
		expect fire any between 0s 10s times=2`,
}, {
	name:  "frequency fires at the 20th post in 10m, once per window",
	rules: []rule.Rule{{ID: "freq", Type: rule.TypeFrequency, NumEvents: 20, Timeframe: dur("10m"), QueryKey: "cluster_id"}},
	timeline: `
		at 0s    post source=weibo cluster=c1
		at 30s   post ×19 source=weibo cluster=c1 every 1s   # the 20th at 48s
		at 10s   post ×5 source=weibo cluster=c2 every 1s
		at 60s   post ×10 source=weibo cluster=c1 every 1s   # beyond the threshold: no new firing
		expect no fire until 47s
		expect fire freq key=c1 between 48s 48s times=1
		expect fire freq between 0s 10m times=1
		# a new window with 20 posts in it fires again
		at 10m30s post ×20 source=weibo cluster=c1 every 1s
		expect fire freq key=c1 between 10m 11m times=1
		expect no fire key=c2 until 20m`,
}, {
	name:  "frequency does not fire for posts spread wider than the timeframe",
	rules: []rule.Rule{{ID: "freq", Type: rule.TypeFrequency, NumEvents: 20, Timeframe: dur("10m")}},
	timeline: `
		at 0s post ×60 every 40s
		expect no fire until 41m`,
}, {
	name:  "spike up fires when a steady key triples",
	rules: []rule.Rule{{ID: "spike", Type: rule.TypeSpike, SpikeHeight: 3, SpikeType: rule.SpikeUp, ThresholdRef: 5, Timeframe: dur("10m"), QueryKey: "cluster_id"}},
	timeline: `
		at 0s   post ×30 cluster=c1 every 1m     # 10 per window
		at 30m  post ×40 cluster=c1 every 1s     # cur reaches 3×ref
		at 35m  post ×40 cluster=c9 every 1s     # a new key has no reference
		expect no fire until 29m59s
		expect fire spike key=c1 between 30m 31m times=1
		expect no fire key=c9 until 40m`,
}, {
	name:  "spike down fires on Tick when a steady key falls to a third",
	rules: []rule.Rule{{ID: "drop", Type: rule.TypeSpike, SpikeHeight: 3, SpikeType: rule.SpikeDown, ThresholdRef: 5, Timeframe: dur("10m"), QueryKey: "source"}},
	timeline: `
		at 0s post ×60 source=weibo every 30s    # 20 per window, then silence at 30m
		at 0s post ×80 source=douyin every 30s   # goes on until 40m
		expect no fire until 30m
		expect fire drop key=weibo between 35m 37m times=1
		expect no fire key=douyin until 40m`,
}, {
	name:  "flatline fires for a source that goes quiet",
	rules: []rule.Rule{{ID: "quiet", Type: rule.TypeFlatline, Threshold: 1, Timeframe: dur("10m"), QueryKey: "source"}},
	timeline: `
		at 0s  post ×6 source=weibo every 1m     # last post at 5m
		at 0s  post ×31 source=douyin every 1m
		at 20m30s post source=kuaishou           # seen once, quiet since
		expect no fire until 14m
		expect fire quiet key=weibo between 14m 15m times=1
		expect fire quiet key=weibo between 19m 21m times=1
		expect no fire key=douyin until 30m
		expect no fire key=kuaishou until 30m
		expect fire quiet key=kuaishou between 30m30s 31m`,
}, {
	name:  "flatline without query_key watches the rule from its first tick",
	rules: []rule.Rule{{ID: "feed", Type: rule.TypeFlatline, Threshold: 3, Timeframe: dur("10m")}},
	timeline: `
		at 0s post ×2 every 1m
		expect no fire until 9m59s
		expect fire feed key= between 10m 10m times=1`,
}, {
	name:  "new_term fires for a place not seen before, after learning",
	rules: []rule.Rule{{ID: "place", Type: rule.TypeNewTerm, Fields: []string{"locations"}, TermsWindow: dur("1h")}},
	timeline: `
		at 0s  post locations=杭州|宁波
		at 1m  post locations=温州             # learning (1h/30 = 2m): recorded, no firing
		at 3m  post locations=杭州
		at 4m  post locations=台州|杭州
		at 5m  post locations=台州
		at 6m  post locations=温州|宁波
		expect no fire until 3m59s
		expect fire place key=台州 between 4m 4m times=1
		expect fire place between 0s 30m times=1`,
}, {
	name:      "new_term forgets a term after terms_window without it",
	localOnly: true,
	rules:     []rule.Rule{{ID: "place", Type: rule.TypeNewTerm, Fields: []string{"locations"}, TermsWindow: dur("1h")}},
	timeline: `
		at 0s  post locations=杭州
		at 1m  post locations=温州
		at 30m post locations=杭州               # keeps 杭州 known until 90m
		at 62m post locations=杭州
		at 62m post locations=温州               # last seen at 1m: new again
		expect fire place key=温州 between 62m 62m times=1
		expect fire place between 0s 63m times=1`,
}, {
	name:  "cardinality fires above max distinct authors per cluster",
	rules: []rule.Rule{{ID: "farm", Type: rule.TypeCardinality, CardinalityField: "author", MaxCardinality: 3, Timeframe: dur("10m"), QueryKey: "cluster_id"}},
	timeline: `
		at 0s  post ×20 cluster=c1 author=a1 every 1m  # one author over many buckets counts once
		at 5m  post cluster=c1 author=a2
		at 6m  post cluster=c1 author=a3
		at 7m  post cluster=c1 author=a2
		at 8m  post cluster=c2 author=a4
		expect no fire until 8m30s
		at 9m  post cluster=c1 author=a4
		at 9m10s post cluster=c1 author=a5
		expect fire farm key=c1 between 9m 9m times=1
		expect fire farm between 0s 9m59s times=1`,
}, {
	name:  "cardinality fires below min distinct authors after a timeframe",
	rules: []rule.Rule{{ID: "thin", Type: rule.TypeCardinality, CardinalityField: "author", MinCardinality: 2, Timeframe: dur("10m"), QueryKey: "source"}},
	timeline: `
		at 0s post ×15 source=s1 author=a1 every 1m
		at 0s post ×15 source=s2 author=b1 every 1m
		at 0s post ×15 source=s2 author=b2 every 1m
		expect no fire until 9m59s
		expect fire thin key=s1 between 10m 10m times=1
		expect no fire key=s2 until 20m`,
}, {
	name: "require: any fires once 3 posts from 2 sources are about one cluster",
	rules: []rule.Rule{{ID: "fire", Type: rule.TypeAny, GroupBy: []string{"cluster_id"},
		Require: &rule.Require{MinPosts: 3, MinSources: 2, Within: dur("30m")}}},
	timeline: `
		at 0s  post cluster=c1 source=weibo
		at 1m  post cluster=c1 source=weibo
		at 2m  post cluster=c1 source=weibo
		at 3m  post cluster=c1 source=douyin
		at 4m  post cluster=c1 source=weibo
		at 0s  post ×4 cluster=c2 source=weibo every 31m   # too far apart
		at 5m  post cluster=c3 source=news
		at 6m  post cluster=c3 source=weibo              # 2 sources, 2 posts
		expect no fire until 2m59s
		expect fire fire key= between 3m 3m times=1
		expect fire fire between 4m 4m times=1
		expect fire fire between 0s 2h times=2`,
}, {
	name: "require on frequency waits for the sources",
	rules: []rule.Rule{{ID: "wave", Type: rule.TypeFrequency, NumEvents: 5, Timeframe: dur("10m"), QueryKey: "cluster_id", GroupBy: []string{"cluster_id"},
		Require: &rule.Require{MinPosts: 5, MinSources: 2, Within: dur("10m")}}},
	timeline: `
		at 0s post ×8 cluster=c1 source=weibo every 10s
		at 2m post cluster=c1 source=douyin
		expect no fire until 1m59s
		expect fire wave key=c1 between 2m 2m times=1
		expect fire wave between 0s 9m times=1`,
}}

func TestRuleTypes(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range typeCases {
				if c.localOnly && b.realTTL {
					continue
				}
				t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
					play(t, b, c.rules, c.timeline)
				})
			}
		})
	}
}
