package deployments_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing-dev/yuqing/configs"
)

// k8sObject is the part of a Kubernetes object the tests read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Replicas             *int           `yaml:"replicas"`
		ServiceName          string         `yaml:"serviceName"`
		ClusterIP            string         `yaml:"clusterIP"`
		VolumeClaimTemplates []any          `yaml:"volumeClaimTemplates"`
		Selector             k8sSelector    `yaml:"selector"`
		Template             k8sPodTemplate `yaml:"template"`
	} `yaml:"spec"`
}

// k8sSelector is a workload's or PDB's selector (a Service's plain label
// map decodes into it as nothing).
type k8sSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type k8sPodTemplate struct {
	Metadata struct {
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec struct {
		SecurityContext struct {
			RunAsNonRoot *bool `yaml:"runAsNonRoot"`
		} `yaml:"securityContext"`
		Containers []k8sContainer `yaml:"containers"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Name           string    `yaml:"name"`
	Args           []string  `yaml:"args"`
	Command        []string  `yaml:"command"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		RunAsNonRoot           *bool `yaml:"runAsNonRoot"`
		ReadOnlyRootFilesystem *bool `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
	} `yaml:"httpGet"`
}

// kustomization is the part of k8s/kustomization.yaml the tests read.
type kustomization struct {
	Resources          []string `yaml:"resources"`
	ConfigMapGenerator []struct {
		Name  string   `yaml:"name"`
		Files []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
}

func readKustomization(t *testing.T) kustomization {
	t.Helper()
	data, err := os.ReadFile("k8s/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var k kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatalf("k8s/kustomization.yaml: %v", err)
	}
	return k
}

// k8sObjects decodes every object of every resource the kustomization lists.
func k8sObjects(t *testing.T) map[string][]k8sObject {
	t.Helper()
	out := map[string][]k8sObject{}
	for _, res := range readKustomization(t).Resources {
		path := filepath.Join("k8s", res)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("k8s/kustomization.yaml lists %s: %v", res, err)
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			out[path] = append(out[path], o)
		}
	}
	return out
}

func TestKubernetes(t *testing.T) {
	covered := map[string]bool{}
	var indexOwners []string
	kinds := map[string][]k8sObject{}
	for path, objs := range k8sObjects(t) {
		for _, o := range objs {
			where := path + ": " + o.Kind + " " + o.Metadata.Name
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s: an object without apiVersion, kind or metadata.name", path)
				continue
			}
			kinds[o.Kind] = append(kinds[o.Kind], o)
			if o.Kind != "Deployment" && o.Kind != "StatefulSet" {
				continue
			}
			for _, r := range checkWorkload(t, where, o) {
				covered[r] = true
				if r == configs.RoleIndex {
					indexOwners = append(indexOwners, where)
					checkIndexStatefulSet(t, where, o)
				}
			}
		}
	}
	checkCoverage(t, "k8s", covered)
	if len(indexOwners) != 1 {
		t.Errorf("k8s: workloads running the index role: %v; want exactly one", indexOwners)
	}
	if o := find(kinds["Service"], "yuqing-index"); o == nil || o.Spec.ClusterIP != "None" {
		t.Error("k8s: no headless Service yuqing-index (index.remote_url points at it)")
	}
	if find(kinds["Service"], "yuqing-api") == nil {
		t.Error("k8s: no Service yuqing-api")
	}
	analyze := find(kinds["Deployment"], "yuqing-analyze")
	if analyze == nil || analyze.Spec.Replicas == nil || *analyze.Spec.Replicas != 2 {
		t.Error("k8s: Deployment yuqing-analyze missing or not 2 replicas")
	} else if !pdbCovers(kinds["PodDisruptionBudget"], analyze.Spec.Template.Metadata.Labels) {
		t.Error("k8s: no PodDisruptionBudget selects the yuqing-analyze pods")
	}
}

func find(objs []k8sObject, name string) *k8sObject {
	for i := range objs {
		if objs[i].Metadata.Name == name {
			return &objs[i]
		}
	}
	return nil
}

// pdbCovers reports whether some PDB's matchLabels select pods labelled so.
func pdbCovers(pdbs []k8sObject, labels map[string]string) bool {
	for _, p := range pdbs {
		sel := p.Spec.Selector.MatchLabels
		if len(sel) == 0 {
			continue
		}
		ok := true
		for k, v := range sel {
			ok = ok && labels[k] == v
		}
		if ok {
			return true
		}
	}
	return false
}

// checkWorkload checks a Deployment or StatefulSet and returns the roles
// its yuqing container runs.
func checkWorkload(t *testing.T, where string, o k8sObject) []string {
	t.Helper()
	pod := o.Spec.Template.Spec
	if len(pod.Containers) == 0 {
		t.Errorf("%s: no containers", where)
	}
	var roles []string
	for _, c := range pod.Containers {
		cw := where + " container " + c.Name
		if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
			t.Errorf("%s: no readinessProbe on /readyz", cw)
		}
		if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
			t.Errorf("%s: no livenessProbe on /healthz", cw)
		}
		if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
			t.Errorf("%s: needs cpu and memory requests and a memory limit", cw)
		}
		if !isTrue(c.SecurityContext.RunAsNonRoot) && !isTrue(pod.SecurityContext.RunAsNonRoot) {
			t.Errorf("%s: runAsNonRoot is not set", cw)
		}
		if !isTrue(c.SecurityContext.ReadOnlyRootFilesystem) {
			t.Errorf("%s: readOnlyRootFilesystem is not set", cw)
		}
		cfgPath, r, ok := serveArgs(append(slices.Clone(c.Command), c.Args...))
		if !ok {
			t.Errorf("%s: does not run yuqing serve", cw)
			continue
		}
		if cfgPath != containerConfig {
			t.Errorf("%s: --config %q, want %s", cw, cfgPath, containerConfig)
		}
		roles = append(roles, checkRoles(t, cw, r)...)
	}
	return roles
}

func checkIndexStatefulSet(t *testing.T, where string, o k8sObject) {
	t.Helper()
	if o.Kind != "StatefulSet" {
		t.Errorf("%s: the index role belongs in a StatefulSet with a volume", where)
		return
	}
	if o.Spec.Replicas == nil || *o.Spec.Replicas != 1 {
		t.Errorf("%s: replicas must be 1: one process owns the index", where)
	}
	if len(o.Spec.VolumeClaimTemplates) == 0 {
		t.Errorf("%s: no volumeClaimTemplates for the index", where)
	}
	if o.Spec.ServiceName != "yuqing-index" {
		t.Errorf("%s: serviceName %q, want yuqing-index", where, o.Spec.ServiceName)
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

func TestKustomizationFiles(t *testing.T) {
	k := readKustomization(t)
	var rules []string
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			src := f
			if _, after, ok := strings.Cut(f, "="); ok {
				src = after
			}
			if _, err := os.Stat(filepath.Join("k8s", src)); err != nil {
				t.Errorf("k8s/kustomization.yaml: configMapGenerator %s: %v", g.Name, err)
			}
			if g.Name == "yuqing-rules" {
				rules = append(rules, filepath.Base(src))
			}
		}
	}
	var shipped []string
	for _, pat := range []string{"../configs/rules/*.yaml", "../configs/rules/*.yml"} {
		m, _ := filepath.Glob(pat)
		for _, p := range m {
			shipped = append(shipped, filepath.Base(p))
		}
	}
	sort.Strings(rules)
	sort.Strings(shipped)
	if !slices.Equal(rules, shipped) {
		t.Errorf("k8s/kustomization.yaml: yuqing-rules lists %v; configs/rules holds %v (list every rule file)", rules, shipped)
	}
}

// TestKustomizeBuilds renders the manifests with kubectl when it is
// installed (it needs no cluster).
func TestKustomizeBuilds(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	out, err := exec.Command(kubectl, "kustomize", "--load-restrictor", "LoadRestrictionsNone", "k8s").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize deployments/k8s: %v\n%s", err, out)
	}
	for _, want := range []string{"kind: StatefulSet", "kind: ConfigMap", "name: yuqing-rules", "fraud.yaml:"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("kubectl kustomize output lacks %q", want)
		}
	}
}
