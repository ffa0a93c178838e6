// Package types mirrors the shape of k8s.io/apimachinery's NamespacedName (fields and String method), so that
// Go's fmt prints and names it exactly as in Flux.
package types

type NamespacedName struct {
	Namespace string
	Name      string
}

func (n NamespacedName) String() string { return n.Namespace + "/" + n.Name }
