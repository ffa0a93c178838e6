// Computes, with go-yaml v3 and kyaml's rules, which scalars of each case carry a setter marker.
// Input: a cases file ("@@@ name | source" headers, YAML bodies; "=> " lines are dropped). Output: the same file
// with one "=> line setter value" line per marker (value JSON-quoted), or "=> none".
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

type marker struct {
	line, col     int
	setter, value string
}

// kyaml fieldmeta.go Read + processShortHand: line comment first, head comment only when it is empty.
func setterOf(n *yaml.Node) string {
	for _, c := range []string{n.LineComment, n.HeadComment} {
		if c == "" {
			continue
		}
		input := map[string]string{}
		if err := json.Unmarshal([]byte(strings.TrimLeft(c, "#")), &input); err != nil {
			return ""
		}
		return input["$imagepolicy"]
	}
	return ""
}

// IAC filter.go accept: mapping values, sequence elements, scalars.
func visit(n *yaml.Node, lineOffset int, out *[]marker) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			visit(c, lineOffset, out)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			visit(n.Content[i], lineOffset, out)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			visit(c, lineOffset, out)
		}
	case yaml.ScalarNode:
		if s := setterOf(n); s != "" {
			*out = append(*out, marker{n.Line + lineOffset, n.Column, s, n.Value})
		}
	}
}

var separator = regexp.MustCompile(`\n---.*\n`)

// kyaml byteio_reader.go: split on separator lines, decode the first document of each chunk.
func markers(text string) ([]marker, error) {
	var out []marker
	starts := []int{0}
	ends := []int{}
	for _, loc := range separator.FindAllStringIndex(text, -1) {
		ends = append(ends, loc[0])
		starts = append(starts, loc[1])
	}
	ends = append(ends, len(text))
	for i := range starts {
		chunk := text[starts[i]:ends[i]]
		if i != len(starts)-1 {
			chunk += "\n"
		}
		var doc yaml.Node
		err := yaml.NewDecoder(bytes.NewBufferString(chunk)).Decode(&doc)
		if err == io.EOF {
			continue
		}
		if err != nil {
			return nil, err
		}
		visit(&doc, strings.Count(text[:starts[i]], "\n"), &out)
	}
	return out, nil
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	var header string
	var body []string
	flush := func() {
		if header == "" {
			return
		}
		fmt.Println(header)
		for _, l := range body {
			fmt.Println(l)
		}
		ms, err := markers(strings.Join(body, "\n") + "\n")
		if err != nil {
			fmt.Println("=> error")
		} else if len(ms) == 0 {
			fmt.Println("=> none")
		}
		for _, m := range ms {
			v, _ := json.Marshal(m.value)
			fmt.Printf("=> %d %s %s\n", m.line, m.setter, v)
		}
	}
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "@@@ "):
			flush()
			header, body = line, nil
		case strings.HasPrefix(line, "=> "):
		case header == "":
			fmt.Println(line) // the file's preamble
		default:
			body = append(body, line)
		}
	}
	flush()
}
