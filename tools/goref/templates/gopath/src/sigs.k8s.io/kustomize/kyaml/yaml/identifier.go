// Package yaml mirrors the shape of kyaml v0.21's ResourceIdentifier (embedded TypeMeta and NameMeta, no String
// method), so that Go's fmt prints and names it exactly as in Flux.
package yaml

type TypeMeta struct {
	APIVersion string
	Kind       string
}

type NameMeta struct {
	Name      string
	Namespace string
}

type ResourceIdentifier struct {
	TypeMeta
	NameMeta
}
