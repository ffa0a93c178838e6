// Package update mirrors the shape of image-automation-controller's internal/update Result types.
package update

import "sigs.k8s.io/kustomize/kyaml/yaml"

type ObjectIdentifier struct {
	yaml.ResourceIdentifier
}

type Result struct {
	FileChanges map[string]ObjectChanges
}

type ObjectChanges map[ObjectIdentifier][]Change

type Change struct {
	OldValue string
	NewValue string
	Setter   string
}

func (r *Result) AddChange(file string, objectID ObjectIdentifier, changes ...Change) {
	if r.FileChanges == nil {
		r.FileChanges = map[string]ObjectChanges{}
	}
	if _, ok := r.FileChanges[file]; !ok {
		r.FileChanges[file] = ObjectChanges{}
	}
	r.FileChanges[file][objectID] = append(r.FileChanges[file][objectID], changes...)
}

// Changes: unique changes; Flux's order follows Go map iteration (the generator only uses data where it cannot vary).
func (r Result) Changes() []Change {
	seen := make(map[Change]struct{})
	var result []Change
	for _, objChanges := range r.FileChanges {
		for _, changes := range objChanges {
			for _, change := range changes {
				if _, ok := seen[change]; !ok {
					seen[change] = struct{}{}
					result = append(result, change)
				}
			}
		}
	}
	return result
}

func (r Result) Objects() ObjectChanges {
	result := make(ObjectChanges)
	for _, objChanges := range r.FileChanges {
		for obj, change := range objChanges {
			result[obj] = append(result[obj], change...)
		}
	}
	return result
}
