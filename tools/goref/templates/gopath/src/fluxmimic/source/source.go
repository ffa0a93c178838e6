// Package source mirrors image-automation-controller's internal/source TemplateData and templateMsg.
package source

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"k8s.io/apimachinery/pkg/types"

	"fluxmimic/update"
)

type TemplateData struct {
	AutomationObject types.NamespacedName
	Changed          update.Result
	Values           map[string]string
}

func TemplateMsg(messageTemplate string, templateValues *TemplateData) (string, error) {
	t, err := template.New("commit message").Funcs(sprig.HermeticTxtFuncMap()).Parse(messageTemplate)
	if err != nil {
		return "", fmt.Errorf("unable to create commit message template from spec: %w", err)
	}
	b := &strings.Builder{}
	if err := t.Execute(b, *templateValues); err != nil {
		// checkRemovedTemplateField: the removed v1beta fields are recognised from the execution error.
		switch {
		case strings.Contains(err.Error(), "can't evaluate field Updated in type source.TemplateData"):
			return "", fmt.Errorf("template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template")
		case strings.Contains(err.Error(), "can't evaluate field ImageResult in type update.Result"):
			return "", fmt.Errorf("template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template")
		}
		return "", fmt.Errorf("failed to run template from spec: %w", err)
	}
	return b.String(), nil
}
