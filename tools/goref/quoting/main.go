// For each new value (one JSON string per input line), prints how Flux writes it over a plain scalar:
// kyaml FormatNonStringStyle (quote when go-yaml v2 reads the value as a non-string), then go-yaml v3's encoder
// (which also quotes what v3 resolves as a non-string, such as timestamps). Output: JSON [value, yaml text].
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	yaml2 "gopkg.in/yaml.v2"
	"gopkg.in/yaml.v3"
)

// kyaml yaml/compatibility.go IsValueNonString.
func nonString(value string) bool {
	if value == "" || strings.Contains(value, "\n") {
		return false
	}
	var v interface{}
	if err := yaml2.Unmarshal([]byte(value), &v); err != nil {
		return false
	}
	return reflect.TypeOf(v) != reflect.TypeOf("")
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var value string
		if err := json.Unmarshal(in.Bytes(), &value); err != nil {
			continue
		}
		node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
		if nonString(value) {
			node.Style = yaml.DoubleQuotedStyle
		}
		doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, node}}
		out, err := yaml.Marshal(doc)
		if err != nil {
			continue
		}
		text := strings.TrimSuffix(strings.TrimPrefix(string(out), "k: "), "\n")
		line, _ := json.Marshal([]string{value, text})
		fmt.Println(string(line))
	}
}
