// Command kubevirt-crds writes KubeVirt's CustomResourceDefinitions as YAML files, one per kind,
// exactly as virt-operator builds them at install time: it calls the New<Kind>Crd functions of
// kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components, which combine the group,
// versions, names, subresources and printer columns of crds.go with the OpenAPI schemas of
// validations_generated.go. KubeVirt's source tree holds no YAML for these CRDs.
//
// Usage: kubevirt-crds <output folder>
package main

import (
	"fmt"
	"os"
	"path/filepath"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components"
)

// The kinds the operator writes, reads or installs in its tests.
var kinds = []func() (*extv1.CustomResourceDefinition, error){
	components.NewVirtualMachineCrd,
	components.NewVirtualMachineInstanceCrd,
	components.NewVirtualMachineSnapshotCrd,
	components.NewVirtualMachineRestoreCrd,
	components.NewVirtualMachineExportCrd,
	components.NewVirtualMachineInstancetypeCrd,
	components.NewVirtualMachinePreferenceCrd,
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubevirt-crds <output folder>")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		fail(err)
	}
	for _, build := range kinds {
		crd, err := build()
		if err != nil {
			fail(err)
		}
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				fail(fmt.Errorf("%s version %s has no schema", crd.Name, v.Name))
			}
		}
		data, err := yaml.Marshal(crd)
		if err != nil {
			fail(err)
		}
		// <group>_<plural>.yaml, the naming of controller-gen and of prometheus-operator's files.
		file := filepath.Join(out, crd.Spec.Group+"_"+crd.Spec.Names.Plural+".yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			fail(err)
		}
		fmt.Println(file)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
