// Command ociimage writes a one-layer container image, as a docker-archive tarball (the format of
// `docker save`, which `ctr images import` and `docker load` read), from a folder: no daemon, no
// registry, no base image. The node of `make e2e` imports its images this way (nothing can be
// pulled here). A file's security.capability extended attribute (setcap) is kept.
//
// Usage: ociimage -dir ROOTFS -tag NAME:TAG -out FILE.tar [-entrypoint /bin/x] [-arg a -arg b]
//
//	[-user 65532:65532] [-env K=V] [-workdir /] [-owner 107:107]
//
// Every file of the layer is owned by root, or by -owner (a KubeVirt containerDisk's /disk and its
// image belong to the qemu user, 107:107).
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	dir := flag.String("dir", "", "the image's root file system")
	tag := flag.String("tag", "", "the image's name and tag")
	out := flag.String("out", "", "the tarball to write")
	entrypoint := flag.String("entrypoint", "", "the entry point")
	user := flag.String("user", "", "uid:gid")
	workdir := flag.String("workdir", "/", "working directory")
	owner := flag.String("owner", "0:0", "uid:gid that owns every file of the layer")
	var args, env list
	flag.Var(&args, "arg", "an argument after the entry point (repeatable)")
	flag.Var(&env, "env", "an environment variable K=V (repeatable)")
	flag.Parse()
	if *dir == "" || *tag == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	var uid, gid int
	if _, err := fmt.Sscanf(*owner, "%d:%d", &uid, &gid); err != nil {
		fail(fmt.Errorf("-owner %q: want uid:gid", *owner))
	}
	layer, err := layerTar(*dir, uid, gid)
	if err != nil {
		fail(err)
	}
	diffID := digest(layer)
	cfg := map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      time.Unix(0, 0).UTC().Format(time.RFC3339),
		"config": map[string]any{
			"Entrypoint": nonNil(splitEntry(*entrypoint)),
			"Cmd":        nonNil(args),
			"Env":        withPath(env),
			"User":       *user,
			"WorkingDir": *workdir,
		},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + diffID}},
	}
	cfgJSON, _ := json.Marshal(cfg)
	cfgName := digest(cfgJSON) + ".json"
	manifest, _ := json.Marshal([]map[string]any{{
		"Config":   cfgName,
		"RepoTags": []string{*tag},
		"Layers":   []string{diffID + "/layer.tar"},
	}})
	f, err := os.Create(*out + ".tmp")
	if err != nil {
		fail(err)
	}
	w := tar.NewWriter(f)
	for _, e := range []struct {
		name string
		data []byte
	}{{cfgName, cfgJSON}, {diffID + "/layer.tar", layer}, {"manifest.json", manifest}} {
		if err := w.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: time.Unix(0, 0)}); err != nil {
			fail(err)
		}
		if _, err := w.Write(e.data); err != nil {
			fail(err)
		}
	}
	if err := w.Close(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	if err := os.Rename(*out+".tmp", *out); err != nil {
		fail(err)
	}
	fmt.Printf("%s: %s (layer %d bytes)\n", *out, *tag, len(layer))
}

// layerTar tars the folder reproducibly: sorted, owned by uid:gid, no times.
func layerTar(root string, uid, gid int) ([]byte, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		link := ""
		if info.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return nil, err
			}
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, p)
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		h.Uid, h.Gid, h.Uname, h.Gname = uid, gid, "", ""
		h.ModTime, h.AccessTime, h.ChangeTime = time.Unix(0, 0), time.Time{}, time.Time{}
		if info.Mode().IsRegular() {
			// file capabilities (setcap) travel as a PAX xattr record, which containerd applies
			buf := make([]byte, 256)
			if n, err := syscall.Getxattr(p, "security.capability", buf); err == nil && n > 0 {
				h.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": string(buf[:n])}
				h.Format = tar.FormatPAX
			}
		}
		if err := w.WriteHeader(h); err != nil {
			return nil, err
		}
		if info.Mode().IsRegular() {
			in, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(w, in)
			in.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withPath puts a default PATH before env, unless env sets PATH itself.
func withPath(env []string) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			return env
		}
	}
	return append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, env...)
}

func splitEntry(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Fields(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
