/*
Copyright 2026 The roadmap-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Command sbom writes an SPDX 2.3 JSON software bill of materials for a Go binary, from the module list the Go
// toolchain embeds in it (the same data as `go version -m`): the main module, every dependency module at the
// version built in (with its package URL), and the Go toolchain. `make sbom` runs it on the manager binary and the
// release attaches the result to the image as a cosign attestation.
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type document struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      creationInfo   `json:"creationInfo"`
	Packages          []pkg          `json:"packages"`
	Relationships     []relationship `json:"relationships"`
}

type creationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type pkg struct {
	Name             string        `json:"name"`
	SPDXID           string        `json:"SPDXID"`
	VersionInfo      string        `json:"versionInfo"`
	DownloadLocation string        `json:"downloadLocation"`
	FilesAnalyzed    bool          `json:"filesAnalyzed"`
	LicenseConcluded string        `json:"licenseConcluded"`
	LicenseDeclared  string        `json:"licenseDeclared"`
	Checksums        []checksum    `json:"checksums,omitempty"`
	ExternalRefs     []externalRef `json:"externalRefs,omitempty"`
}

type checksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type externalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type relationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

func main() {
	binary := flag.String("binary", "", "the Go binary to describe")
	version := flag.String("version", "dev", "the version of the main module to record")
	flag.Parse()
	if err := run(*binary, *version); err != nil {
		fmt.Fprintln(os.Stderr, "sbom:", err)
		os.Exit(1)
	}
}

func run(binary, version string) error {
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return fmt.Errorf("reading the build information of %s: %w", binary, err)
	}
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	created := time.Now().UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
		}
		created = time.Unix(secs, 0).UTC()
	}
	sum := sha256.Sum256(data)
	doc := document{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT",
		Name:              info.Main.Path + "@" + version,
		DocumentNamespace: fmt.Sprintf("https://github.com/roadmap-operator/roadmap-operator/spdx/%s-%x", version, sum[:8]),
		CreationInfo:      creationInfo{Created: created.Format(time.RFC3339), Creators: []string{"Tool: roadmap-operator-hack-dist-sbom"}},
	}
	mainPkg := pkg{
		Name: info.Main.Path, SPDXID: "SPDXRef-Package-main", VersionInfo: version,
		DownloadLocation: "https://github.com/roadmap-operator/roadmap-operator", LicenseConcluded: "Apache-2.0",
		LicenseDeclared: "Apache-2.0", Checksums: []checksum{{Algorithm: "SHA256", ChecksumValue: fmt.Sprintf("%x", sum)}},
		ExternalRefs: []externalRef{purl(info.Main.Path, version)},
	}
	doc.Packages = append(doc.Packages, mainPkg)
	doc.Relationships = append(doc.Relationships, relationship{"SPDXRef-DOCUMENT", "DESCRIBES", mainPkg.SPDXID})
	goVersion := strings.TrimPrefix(info.GoVersion, "go")
	doc.Packages = append(doc.Packages, pkg{Name: "stdlib", SPDXID: "SPDXRef-Package-stdlib", VersionInfo: goVersion,
		DownloadLocation: "https://go.dev/dl/", LicenseConcluded: "NOASSERTION", LicenseDeclared: "NOASSERTION",
		ExternalRefs: []externalRef{purl("stdlib", goVersion)}})
	doc.Relationships = append(doc.Relationships, relationship{mainPkg.SPDXID, "DEPENDS_ON", "SPDXRef-Package-stdlib"})
	for i, dep := range info.Deps {
		m := dep
		if dep.Replace != nil {
			m = dep.Replace
		}
		id := fmt.Sprintf("SPDXRef-Package-%d", i)
		p := pkg{Name: m.Path, SPDXID: id, VersionInfo: m.Version, DownloadLocation: "NOASSERTION",
			LicenseConcluded: "NOASSERTION", LicenseDeclared: "NOASSERTION", ExternalRefs: []externalRef{purl(m.Path, m.Version)}}
		if m.Sum != "" {
			p.DownloadLocation = "https://proxy.golang.org/" + m.Path + "/@v/" + m.Version + ".zip"
		}
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, relationship{mainPkg.SPDXID, "DEPENDS_ON", id})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// purl is the package URL of a Go module (github.com/package-url/purl-spec, type golang).
func purl(path, version string) externalRef {
	return externalRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl",
		ReferenceLocator: "pkg:golang/" + path + "@" + version}
}
