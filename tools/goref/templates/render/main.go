// Renders commit-message template cases with Go's text/template, fmt and Sprig, over Flux's template data types.
// Input (stdin): a JSON array of cases {"name", "upstream", "template", "data": {"automation": "ns/name",
// "values": {...}, "changes": [{"file", "apiVersion", "kind", "name", "namespace", "old", "new", "setter"}]}}.
// Output: the same cases with "expected" (the message) or "error" (Go's error text) filled in.
package main

import (
	"encoding/json"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"fluxmimic/source"
	"fluxmimic/update"
)

type data struct {
	Automation string            `json:"automation"`
	Values     map[string]string `json:"values,omitempty"`
	Changes    []struct {
		File       string `json:"file"`
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Namespace  string `json:"namespace"`
		Old        string `json:"old"`
		New        string `json:"new"`
		Setter     string `json:"setter"`
	} `json:"changes"`
}

type testCase struct {
	Name     string  `json:"name"`
	Upstream string  `json:"upstream"`
	Template string  `json:"template"`
	Data     data    `json:"data"`
	Expected *string `json:"expected,omitempty"`
	Error    *string `json:"error,omitempty"`
	// ErrorPart is kept as written: the part of the error text the test requires (Go versions word some errors differently).
	ErrorPart string `json:"errorPart,omitempty"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	for i := range cases {
		c := &cases[i]
		parts := strings.SplitN(c.Data.Automation, "/", 2)
		td := &source.TemplateData{AutomationObject: types.NamespacedName{Namespace: parts[0], Name: parts[1]}, Values: c.Data.Values}
		for _, ch := range c.Data.Changes {
			id := update.ObjectIdentifier{ResourceIdentifier: yaml.ResourceIdentifier{
				TypeMeta: yaml.TypeMeta{APIVersion: ch.APIVersion, Kind: ch.Kind},
				NameMeta: yaml.NameMeta{Name: ch.Name, Namespace: ch.Namespace}}}
			td.Changed.AddChange(ch.File, id, update.Change{OldValue: ch.Old, NewValue: ch.New, Setter: ch.Setter})
		}
		c.Expected, c.Error = nil, nil
		if out, err := source.TemplateMsg(c.Template, td); err != nil {
			text := err.Error()
			c.Error = &text
		} else {
			c.Expected = &out
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(cases); err != nil {
		panic(err)
	}
}
