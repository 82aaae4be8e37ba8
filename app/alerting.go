package app

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/alerting/backtest"
	"github.com/yuqing-dev/yuqing/alerting/engine"
	"github.com/yuqing-dev/yuqing/alerting/match"
	"github.com/yuqing-dev/yuqing/alerting/notify"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/index"
)

// alerting is the alert stage: rules evaluated on every indexed-to-be doc
// (the docs topic), alerts grouped in the shared state, notifications
// through the persistent outbox.
type alerting struct {
	eng     atomic.Pointer[engine.Engine]
	mk      func([]rule.Rule) (*engine.Engine, error)
	reloads *prometheus.CounterVec
	alerts  *alert.Store
	outbox  *notify.Outbox
	worker  *notify.Worker
	baseURL string
	// lastExpiry is when old alerts were last expired (escalationLoop).
	lastExpiry time.Time
	formats    map[string]receiverFormat
	log        *slog.Logger
}

// receiverFormat is how a receiver's notifications are written.
type receiverFormat struct {
	format string
	tmpl   *template.Template
	from   string   // e-mail
	to     []string // e-mail
}

// notification builds the notification of alert a for receiver recv, with
// the id of the alert's first revision (see raise).
func (al *alerting) notification(a alert.Alert, recv string) (notify.Notification, error) {
	f := al.formats[recv]
	var body []byte
	var err error
	if f.format == configs.ReceiverEmail {
		body, err = notify.EmailMessage(f.tmpl, a, f.from, f.to, al.baseURL)
	} else {
		body, err = notify.Payload(f.format, f.tmpl, a, recv, al.baseURL)
	}
	if err != nil {
		return notify.Notification{}, err
	}
	return notify.Notification{ID: notify.NotificationID(a.ID, recv, 1), AlertID: a.ID, Receiver: recv, Payload: body}, nil
}

// Preview renders what receiver recv would get for alert id now.
func (al *alerting) Preview(ctx context.Context, id, recv string) (notify.Notification, error) {
	if _, ok := al.formats[recv]; !ok {
		return notify.Notification{}, fmt.Errorf("%w: no receiver %q", alert.ErrInvalid, recv)
	}
	a, err := al.alerts.Get(ctx, id)
	if err != nil {
		return notify.Notification{}, err
	}
	return al.notification(a, recv)
}

// errNoRulesDir is loadRules' answer for a missing directory: no rules,
// which is not an error.
var errNoRulesDir = errors.New("no rules directory")

// ruleOptions checks rules the way the server runs them: match
// expressions with the matcher's parser, receivers against the config.
func ruleOptions(cfg configs.Config) rule.Options {
	known := map[string]bool{}
	for _, r := range cfg.Receivers {
		known[r.Name] = true
	}
	return rule.Options{
		Validate:       func(expr string) error { _, err := match.Parse(expr); return err },
		KnownReceivers: known,
	}
}

// loadRules reads cfg.RulesDir, checking every match expression and
// receiver name; a missing directory is no rules.
func loadRules(cfg configs.Config) ([]rule.Rule, error) {
	if _, err := os.Stat(cfg.RulesDir); errors.Is(err, fs.ErrNotExist) {
		return nil, errNoRulesDir
	}
	rules, err := rule.LoadDir(cfg.RulesDir, ruleOptions(cfg))
	if err != nil {
		return nil, fmt.Errorf("loading alert rules from %s: %w", cfg.RulesDir, err)
	}
	return rules, nil
}

func (a *App) newAlerting() (*alerting, error) {
	rules, err := loadRules(a.cfg)
	switch {
	case errors.Is(err, errNoRulesDir):
		a.log.Warn("no alert rules directory: no alerts until rules are put there or sent with PUT /api/v1/rules",
			"rules_dir", a.cfg.RulesDir)
	case err != nil:
		return nil, err
	}
	counters, err := a.softState()
	if err != nil {
		return nil, err
	}
	mk := func(rules []rule.Rule) (*engine.Engine, error) { return engine.New(rules, counters, engine.Options{}) }
	eng, err := mk(rules)
	if err != nil {
		return nil, err
	}
	receivers := map[string]notify.Receiver{}
	limits := map[string]notify.RateLimit{}
	formats := map[string]receiverFormat{}
	for _, r := range a.cfg.Receivers {
		if r.Type == configs.ReceiverEmail {
			receivers[r.Name] = &notify.Email{Addr: r.SMTP, From: r.From, To: r.To, Username: r.Username, Password: r.Password, Timeout: r.Timeout}
		} else {
			receivers[r.Name] = &notify.Webhook{URL: r.URL, Timeout: r.Timeout, Headers: r.Headers}
		}
		t, err := notify.ParseTemplate(r.Template)
		if err != nil {
			return nil, fmt.Errorf("receiver %s: %w", r.Name, err)
		}
		formats[r.Name] = receiverFormat{format: r.Type, tmpl: t, from: r.From, to: r.To}
		if r.RatePerMinute > 0 {
			limits[r.Name] = notify.RateLimit{PerSecond: float64(r.RatePerMinute) / 60, Burst: max(1, r.RatePerMinute/6)}
		}
	}
	// Dead letters hold a copy of their alert: they go with alerts_retention.
	outbox := notify.NewOutbox(a.state, notify.OutboxOptions{DeadTTL: max(alertsRetention(a.cfg), 0)})
	al := &alerting{
		formats: formats,
		mk:      mk,
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_rules_reloads_total",
			Help: "Alert rule reloads by result (ok, error).",
		}, []string{"result"}),
		alerts:  alert.New(a.state, alert.Options{Retention: alertsRetention(a.cfg)}),
		outbox:  outbox,
		worker:  notify.NewWorker(outbox, notify.WorkerOptions{Receivers: receivers, RateLimits: limits, Registerer: a.reg, Logger: a.log}),
		baseURL: "http://" + strings.TrimPrefix(a.cfg.HTTP.Listen, "http://"),
		log:     a.log,
	}
	al.eng.Store(eng)
	a.reg.MustRegister(al.reloads)
	a.log.Info("alert rules loaded", "dir", a.cfg.RulesDir, "enabled", len(eng.Rules()))
	return al, nil
}

// handler evaluates every doc of a batch. A doc is handled again after a
// crash (at-least-once): the alert it raises is then updated, not created
// twice, and its notification ids are the same, so a redelivered batch
// sends nothing twice and queues what the crash left unqueued.
//
// The docs of a batch are observed concurrently (observeWorkers): each
// observation is a few state reads and writes, and concurrent writes share
// transactions (local store) or overlap their round trips (Redis). The
// windows count atomically in the store, as they do across replicas; the
// firings are then raised in the order of the docs.
func (al *alerting) handler() handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		docs := make([]*analysis.Doc, len(msgs))
		for i, m := range msgs {
			var d analysis.Doc
			if err := json.Unmarshal(m.Value, &d); err != nil || d.ID == "" {
				al.log.ErrorContext(ctx, "alert stage: skipping undecodable doc", "offset", m.Offset, "err", err)
				continue
			}
			docs[i] = &d
		}
		eng := al.eng.Load()
		firings := make([][]engine.Firing, len(docs))
		if err := forEach(ctx, len(docs), observeWorkers, func(ctx context.Context, i int) error {
			if docs[i] == nil {
				return nil
			}
			fs, err := eng.Observe(ctx, docs[i])
			firings[i] = fs
			return err
		}); err != nil {
			return err
		}
		var b raiseBatch
		for i, fs := range firings {
			for _, f := range fs {
				b.add(f.Rule, al.incoming(f, docs[i]))
			}
		}
		return b.raise(ctx, al.raiseIncoming)
	}
}

// observeWorkers is how many docs of a batch are observed at once.
const observeWorkers = 8

// forEach calls fn for 0..n-1 on up to workers goroutines and returns the
// first error (the other calls are then cancelled through their ctx), or
// ctx's error when it ended before every call was made.
func forEach(ctx context.Context, n, workers int, fn func(context.Context, int) error) error {
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := inner.Err(); err != nil {
					once.Do(func() { first = err })
					return
				}
				if err := fn(inner, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// raiseWorkers is how many incidents of a batch are raised at once. Each
// raise is a few synchronous state writes; concurrent ones share their
// fsyncs (bbolt batches concurrent writers) or their round trips (Redis).
const raiseWorkers = 16

// raise records every pending incident, those of one fingerprint in order
// on one worker, different fingerprints concurrently; it returns the
// first error (the batch is then retried whole: raising is idempotent).
func (b *raiseBatch) raise(ctx context.Context, fn func(context.Context, rule.Rule, alert.Incoming) error) error {
	if len(b.order) <= 1 {
		for _, p := range b.order {
			if err := fn(ctx, p.rule, p.in); err != nil {
				return err
			}
		}
		return nil
	}
	lanes := make([][]pendingRaise, min(raiseWorkers, len(b.order)))
	for _, p := range b.order {
		h := fnv.New32a()
		h.Write([]byte(alert.Fingerprint(p.in.RuleID, p.in.GroupValues)))
		i := int(h.Sum32() % uint32(len(lanes)))
		lanes[i] = append(lanes[i], p)
	}
	return forEach(ctx, len(lanes), len(lanes), func(ctx context.Context, i int) error {
		for _, p := range lanes[i] {
			if err := fn(ctx, p.rule, p.in); err != nil {
				return err
			}
		}
		return nil
	})
}

// raiseBatch merges the matches of one incident (rule and fingerprint)
// within a batch into one raise: a burst of reposts updates its alert
// once, with the count and the evidence of all, instead of once per post
// (each raise is several synchronous state writes). Rules with realert 0
// (every match its own alert) are not merged.
type raiseBatch struct {
	byFP  map[string]int // fingerprint → index in order
	order []pendingRaise
}

type pendingRaise struct {
	rule rule.Rule
	in   alert.Incoming
}

func (b *raiseBatch) add(r rule.Rule, in alert.Incoming) {
	if in.Realert <= 0 {
		b.order = append(b.order, pendingRaise{r, in})
		return
	}
	fp := alert.Fingerprint(in.RuleID, in.GroupValues)
	i, ok := b.byFP[fp]
	if !ok {
		if b.byFP == nil {
			b.byFP = map[string]int{}
		}
		b.byFP[fp] = len(b.order)
		in.Matches = max(in.Matches, 1)
		b.order = append(b.order, pendingRaise{r, in})
		return
	}
	cur := &b.order[i].in
	cur.Matches += max(in.Matches, 1)
	if in.At.After(cur.At) {
		cur.At = in.At
	}
	cur.DocIDs = append(cur.DocIDs, in.DocIDs...)
}

// tickLoop evaluates the time-driven rules (flatline, spike down) every
// second.
func (al *alerting) tickLoop(ctx context.Context) {
	every(ctx, time.Second, func(ctx context.Context) {
		fs, err := al.eng.Load().Tick(ctx)
		if err != nil {
			al.log.WarnContext(ctx, "alert tick", "err", err)
		}
		for _, f := range fs {
			if err := al.raise(ctx, f, nil); err != nil {
				al.log.WarnContext(ctx, "raising alert", "rule", f.RuleID, "err", err)
			}
		}
	})
}

// raise records the firing as an alert (a new one, or evidence on the open
// alert of its fingerprint) and, while the alert is firing, makes sure its
// notification per receiver of the rule is queued; nothing is sent before
// the alert is recorded.
func (al *alerting) raise(ctx context.Context, f engine.Firing, d *analysis.Doc) error {
	return al.raiseIncoming(ctx, f.Rule, al.incoming(f, d))
}

// incoming is the alert input of firing f on doc d (nil for a time-driven
// firing).
func (al *alerting) incoming(f engine.Firing, d *analysis.Doc) alert.Incoming {
	r := f.Rule
	groups := map[string]string{}
	if d != nil {
		for _, g := range r.GroupBy {
			groups[g] = engine.GroupValue(r, d, g)
		}
	} else if r.QueryKey != "" {
		groups[r.QueryKey] = f.Key
	}
	expl, _ := json.Marshal(map[string]any{"reason": f.Reason, "clauses": f.Explanation, "rule_version": r.Version})
	summary := f.Reason
	docIDs := f.DocIDs
	if d != nil {
		summary = fmt.Sprintf("%s — %s", f.Reason, snippet(d.DisplayText(), 80))
		if len(docIDs) == 0 {
			docIDs = []string{d.ID}
		}
	}
	return alert.Incoming{RuleID: r.ID, RuleVersion: r.Version, Severity: r.Severity,
		GroupValues: groups, Labels: r.Labels, Title: r.Name, Summary: summary, DocIDs: docIDs,
		Explanation: expl, Realert: time.Duration(r.Realert), At: time.Now()}
}

// raiseIncoming records in as an alert (a new one, or evidence on the
// open alert of its fingerprint) and, while it is firing, makes sure its
// notification per receiver of the rule is queued.
func (al *alerting) raiseIncoming(ctx context.Context, r rule.Rule, in alert.Incoming) error {
	a, _, err := al.alerts.Raise(ctx, in)
	if err != nil {
		return fmt.Errorf("raising alert of rule %s: %w", r.ID, err)
	}
	if a.Status != alert.StatusFiring {
		return nil
	}
	// The firing notification of an alert has one id per receiver (that of
	// revision 1), and it is enqueued on every raise: the outbox ignores an
	// id it holds or sent recently. So a crash after the alert was created
	// but before its notification was queued is repaired when the batch is
	// redelivered, and updates of an open alert notify nobody twice.
	if r.GroupWait > 0 {
		return nil // the first notification waits for the burst: see sendGrouped
	}
	return al.enqueueFirst(ctx, a, r.Receivers)
}

// enqueueFirst queues the firing notification of a for receivers.
func (al *alerting) enqueueFirst(ctx context.Context, a alert.Alert, receivers []string) error {
	first := a
	first.Revision = 1
	for _, recv := range receivers {
		n, err := al.notification(first, recv)
		if err != nil {
			return fmt.Errorf("writing the notification of alert %s for %s: %w", a.ID, recv, err)
		}
		if _, err := al.outbox.Enqueue(ctx, n); err != nil {
			return fmt.Errorf("enqueueing alert %s for %s: %w", a.ID, recv, err)
		}
	}
	return nil
}

func snippet(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

// backtest parses a rule and replays the index's history through it.
func (a *App) backtest(ctx context.Context, ruleYAML []byte, from, to time.Time) (backtest.Result, error) {
	if !a.ready.Load() {
		return backtest.Result{}, api.ErrIndexNotOpen
	}
	opts := ruleOptions(a.cfg)
	opts.KnownReceivers = nil // nobody is notified by a backtest
	rules, err := rule.ParseFile("rule", ruleYAML, opts)
	if err != nil {
		return backtest.Result{}, fmt.Errorf("%w: %w", api.ErrBadRule, err)
	}
	if len(rules) != 1 {
		return backtest.Result{}, fmt.Errorf("%w: give exactly one rule, not %d", api.ErrBadRule, len(rules))
	}
	scan := func(ctx context.Context, from, to time.Time, fn func(analysis.Doc) error) error {
		return a.index.Scan(ctx, "", from, to, fn)
	}
	return backtest.Run(ctx, rules[0], scan, from, to, index.DefaultLocation)
}

// reloadRules re-reads the rules directory and swaps the engine; on any
// error the rules in use stay and the error (file:line: rule: field) is
// logged. Window counts carry over: they live in the state, keyed by rule.
func (al *alerting) reloadRules(ctx context.Context, cfg configs.Config, why string) error {
	rules, err := loadRules(cfg)
	if errors.Is(err, errNoRulesDir) {
		err = nil
	}
	var eng *engine.Engine
	if err == nil {
		eng, err = al.mk(rules)
	}
	if err != nil {
		al.reloads.WithLabelValues("error").Inc()
		al.log.ErrorContext(ctx, "reloading alert rules; keeping the rules in use", "why", why, "err", err)
		return err
	}
	al.eng.Store(eng)
	al.reloads.WithLabelValues("ok").Inc()
	al.log.InfoContext(ctx, "alert rules reloaded", "why", why, "enabled", len(eng.Rules()))
	return nil
}

// Rules returns the rules in use.
func (al *alerting) Rules() []rule.Rule { return al.eng.Load().Rules() }

// escalationLevel is how many escalation levels are due for an alert
// created at created, at now, under pol.
func escalationLevel(pol configs.EscalationPolicy, created, now time.Time) int {
	age := now.Sub(created)
	level := 0
	for _, st := range pol.Steps {
		if age >= st.After {
			level++
		}
	}
	if level == len(pol.Steps) && pol.Repeat > 0 && pol.RepeatEvery > 0 {
		last := pol.Steps[len(pol.Steps)-1].After
		level += min(pol.Repeat, int((age-last)/pol.RepeatEvery))
	}
	return level
}

// escalationLoop notifies the next link of each unacknowledged alert's
// chain when it is due. Timers are not kept in memory: a level is due from
// the alert's created_at, so they survive restarts; the notification id
// names the level, so two replicas (or a retry after a crash) queue it
// once, and the alert's lease lets only one of them record the level.
//
// The same loop resolves alerts quiet for cfg.AutoResolveAfter and tells
// the rule's receivers.
func (al *alerting) escalationLoop(ctx context.Context, cfg configs.Config) {
	every(ctx, cfg.EscalationInterval, func(ctx context.Context) {
		now := time.Now()
		if len(cfg.Escalation) > 0 {
			if err := al.escalate(ctx, cfg, now); err != nil {
				al.log.WarnContext(ctx, "escalating alerts", "err", err)
			}
		}
		if err := al.sendGrouped(ctx, now); err != nil {
			al.log.WarnContext(ctx, "sending grouped alerts", "err", err)
		}
		if cfg.AutoResolveAfter > 0 {
			if err := al.autoResolve(ctx, cfg.AutoResolveAfter); err != nil {
				al.log.WarnContext(ctx, "auto-resolving alerts", "err", err)
			}
		}
		if r := alertsRetention(cfg); r > 0 && now.Sub(al.lastExpiry) >= min(time.Hour, r/10) {
			al.lastExpiry = now
			n, err := al.alerts.Expire(ctx)
			if err != nil {
				al.log.WarnContext(ctx, "expiring old alerts", "err", err)
			} else if n > 0 {
				al.log.InfoContext(ctx, "expired resolved alerts past alerts_retention", "deleted", n)
			}
		}
	})
}

// alertsRetention is alerts_retention for the alert store: "0" keeps
// alerts forever (a negative Retention turns Expire off).
func alertsRetention(cfg configs.Config) time.Duration {
	d, _ := configs.ParseRetention(cfg.AlertsRetention) // validated
	if d == 0 {
		return -1
	}
	return d
}

// sendGrouped queues the first notification of each firing alert whose
// rule has a group_wait once that wait has passed since the alert was
// created, so the message carries the whole first burst (count, evidence).
// It reads the alert store, so a restart does not lose a pending group;
// the notification id is the same as an immediate one's, so it is queued
// once.
func (al *alerting) sendGrouped(ctx context.Context, now time.Time) error {
	rules := map[string]rule.Rule{}
	for _, r := range al.Rules() {
		if r.GroupWait > 0 && len(r.Receivers) > 0 {
			rules[r.ID] = r
		}
	}
	if len(rules) == 0 {
		return nil
	}
	list, err := al.alerts.List(ctx, alert.Filter{Status: alert.StatusFiring})
	if err != nil {
		return err
	}
	for _, a := range list {
		r, ok := rules[a.RuleID]
		if !ok || now.Sub(a.CreatedAt) < time.Duration(r.GroupWait) {
			continue
		}
		if err := al.enqueueFirst(ctx, a, r.Receivers); err != nil {
			return err
		}
	}
	return nil
}

// autoResolve resolves quiet alerts and queues their resolution for the
// receivers of their rule (one notification id per alert and receiver).
func (al *alerting) autoResolve(ctx context.Context, quiet time.Duration) error {
	resolved, err := al.alerts.ResolveQuiet(ctx, quiet)
	rules := map[string][]string{}
	for _, r := range al.Rules() {
		rules[r.ID] = r.Receivers
	}
	for _, a := range resolved {
		for _, recv := range rules[a.RuleID] {
			n, nerr := al.notification(a, recv)
			if nerr != nil {
				return nerr
			}
			n.ID = a.ID + ":" + recv + ":resolved"
			if _, nerr := al.outbox.Enqueue(ctx, n); nerr != nil {
				return nerr
			}
		}
	}
	return err
}

func (al *alerting) escalate(ctx context.Context, cfg configs.Config, now time.Time) error {
	list, err := al.alerts.List(ctx, alert.Filter{Status: alert.StatusFiring})
	if err != nil {
		return err
	}
	for _, a := range list {
		pol, ok := cfg.Escalation[a.Severity]
		if !ok {
			continue
		}
		level := escalationLevel(pol, a.CreatedAt, now)
		if level <= a.EscalationLevel {
			continue
		}
		step := pol.Steps[min(level, len(pol.Steps))-1]
		for _, recv := range step.Receivers {
			n, err := al.notification(a, recv)
			if err != nil {
				return err
			}
			n.ID = fmt.Sprintf("%s:%s:esc%d", a.ID, recv, level)
			if _, err := al.outbox.Enqueue(ctx, n); err != nil {
				return fmt.Errorf("escalating alert %s to %s: %w", a.ID, recv, err)
			}
		}
		if _, _, err := al.alerts.Escalate(ctx, a.ID, level, strings.Join(step.Receivers, ", ")); err != nil {
			return fmt.Errorf("escalating alert %s: %w", a.ID, err)
		}
	}
	return nil
}

// putRules stores rules sent over the API. A rule whose id a file of
// rules_dir already defines (a shipped rule an analyst tunes) is replaced
// in that file, the file's other rules and comments kept
// (rule.ReplaceInFile); any other rule goes to rules_dir/api-<id>.yaml
// (replacing an earlier PUT of that id). The whole directory as it will
// be is validated like a reload would before anything is written; then
// the rules are reloaded at once.
func (al *alerting) putRules(ctx context.Context, cfg configs.Config, ruleYAML []byte) ([]rule.Rule, error) {
	opts := ruleOptions(cfg)
	incoming, err := rule.ParseFile("request", ruleYAML, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", api.ErrBadRule, err)
	}
	if len(incoming) == 0 {
		return nil, fmt.Errorf("%w: no rule in the request", api.ErrBadRule)
	}
	texts, err := rule.RuleYAML(ruleYAML)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", api.ErrBadRule, err)
	}
	if err := os.MkdirAll(cfg.RulesDir, 0o755); err != nil {
		return nil, err
	}
	dirFiles, err := rule.DirFiles(cfg.RulesDir)
	if err != nil {
		return nil, err
	}
	definedIn := map[string]string{} // rule id → file name in rules_dir
	current, _ := rule.LoadFiles(dirFiles, opts)
	for _, r := range current {
		definedIn[r.ID] = filepath.Base(r.File)
	}
	outs := map[string][]byte{} // file name → new content
	for _, r := range incoming {
		name := definedIn[r.ID]
		if name == "" || name == "api-"+r.ID+".yaml" {
			data, err := rule.Marshal([]rule.Rule{r})
			if err != nil {
				return nil, err
			}
			outs["api-"+r.ID+".yaml"] = data
			continue
		}
		data, ok := outs[name]
		if !ok {
			if data, err = os.ReadFile(filepath.Join(cfg.RulesDir, name)); err != nil {
				return nil, fmt.Errorf("reading %s to edit rule %s: %w", name, r.ID, err)
			}
		}
		if outs[name], err = rule.ReplaceInFile(data, r.ID, texts[r.ID]); err != nil {
			return nil, fmt.Errorf("%w: editing rule %s in %s: %w", api.ErrBadRule, r.ID, name, err)
		}
	}
	// Validate the directory as it will be: its files, minus those this
	// request rewrites, plus the new versions (in a scratch directory).
	scratch, err := os.MkdirTemp("", "yuqing-rules-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	var files []string
	for _, f := range dirFiles {
		if _, rewritten := outs[filepath.Base(f)]; !rewritten {
			files = append(files, f)
		}
	}
	for name, data := range outs {
		p := filepath.Join(scratch, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	if _, err := rule.LoadFiles(files, opts); err != nil {
		// Name the files where they will be, not in the scratch directory.
		return nil, fmt.Errorf("%w: %s", api.ErrBadRule, strings.ReplaceAll(err.Error(), scratch, cfg.RulesDir))
	}
	for name, data := range outs {
		// A read-only rules_dir (a Kubernetes ConfigMap) fails here, before
		// anything changed, with the path in the message.
		tmp := filepath.Join(cfg.RulesDir, "."+name+".tmp")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return nil, fmt.Errorf("storing rule file %s (rules are managed where rules_dir comes from when it is read-only): %w", name, err)
		}
		if err := os.Rename(tmp, filepath.Join(cfg.RulesDir, name)); err != nil {
			return nil, fmt.Errorf("storing rule file %s: %w", name, err)
		}
	}
	al.reloadRules(ctx, cfg, "PUT /api/v1/rules")
	return al.Rules(), nil
}
