// Command kstatus prints the status that kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status, the
// library Flux's health checks and kpt/kapply wait with) computes for each object it reads: one
// JSON object, or a list's items, on standard input; one line per object on standard output:
//
//	<name> <TAB> <status> <TAB> <message>
//
// with status one of InProgress, Failed, Current, Terminating, NotFound, Unknown.
package main

import (
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: reading stdin:", err)
		os.Exit(2)
	}
	// apimachinery's json: whole numbers become int64, as the API machinery reads them
	var object map[string]interface{}
	if err := json.Unmarshal(in, &object); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: not a JSON object:", err)
		os.Exit(2)
	}
	objects := []map[string]interface{}{object}
	if items, ok := object["items"].([]interface{}); ok {
		objects = objects[:0]
		for _, item := range items {
			if m, ok := item.(map[string]interface{}); ok {
				objects = append(objects, m)
			}
		}
	}
	for _, o := range objects {
		u := &unstructured.Unstructured{Object: o}
		result, err := status.Compute(u)
		if err != nil {
			fmt.Fprintln(os.Stderr, "kstatus:", u.GetName(), err)
			os.Exit(1)
		}
		fmt.Printf("%s\t%s\t%s\n", u.GetName(), result.Status, result.Message)
	}
}
