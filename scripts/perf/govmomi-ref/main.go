// govmomi-ref: the reference for vdibench's vSphere driver speed (scripts/perf/vsphere-vs-govmomi.mjs).
// govmomi's own client (Debian's golang-github-vmware-govmomi-dev, its object and vim25
// packages) does the per-desktop work of a Composer-style desktop — linked clone from the
// golden image's snapshot (marked with extraConfig and an annotation, as vdibench's), power
// on, power off, power on — for N desktops at concurrency K, and prints one JSON line
// with the time taken, waits for a line on stdin (the caller reads the simulator's
// counts meanwhile), then destroys the desktops (not timed).
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/x/govmomi-ref .
// (into a temporary folder: no binary is committed).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func main() {
	rawURL := flag.String("url", "", "https://host/sdk")
	user := flag.String("user", "vdibench", "")
	password := flag.String("password", "vdibench-pass", "")
	caFile := flag.String("ca", "", "PEM of the certificate to trust")
	golden := flag.String("golden", "golden-win10", "")
	snapshotName := flag.String("snapshot", "base", "")
	desktops := flag.Int("desktops", 100, "")
	concurrency := flag.Int("concurrency", 8, "")
	prefix := flag.String("prefix", "govmomi-ref-", "")
	flag.Parse()

	ctx := context.Background()
	u, err := url.Parse(*rawURL)
	check(err)
	soapClient := soap.NewClient(u, false)
	check(soapClient.SetRootCAs(*caFile))
	vimClient, err := vim25.NewClient(ctx, soapClient)
	check(err)
	client := &govmomi.Client{Client: vimClient, SessionManager: session.NewManager(vimClient)}
	check(client.Login(ctx, url.UserPassword(*user, *password)))
	defer func() { _ = client.Logout(ctx) }()

	finder := find.NewFinder(client.Client, true)
	datacenter, err := finder.DefaultDatacenter(ctx)
	check(err)
	finder.SetDatacenter(datacenter)
	folders, err := datacenter.Folders(ctx)
	check(err)
	vm, err := finder.VirtualMachine(ctx, *golden)
	check(err)
	snapshot, err := vm.FindSnapshot(ctx, *snapshotName)
	check(err)
	pool, err := finder.DefaultResourcePool(ctx)
	check(err)
	datastore, err := finder.DefaultDatastore(ctx)
	check(err)
	poolRef, datastoreRef := pool.Reference(), datastore.Reference()

	desktop := func(index int) (*object.VirtualMachine, error) {
		name := fmt.Sprintf("%s%d", *prefix, index+1)
		spec := types.VirtualMachineCloneSpec{
			Location: types.VirtualMachineRelocateSpec{Pool: &poolRef, Datastore: &datastoreRef, DiskMoveType: string(types.VirtualMachineRelocateDiskMoveOptionsCreateNewChildDiskBacking)},
			Config: &types.VirtualMachineConfigSpec{
				Annotation:  "created by govmomi-ref (desktop)",
				ExtraConfig: []types.BaseOptionValue{&types.OptionValue{Key: "vdibench.runId", Value: "govmomi-ref"}, &types.OptionValue{Key: "vdibench.role", Value: "desktop"}},
			},
			Snapshot: snapshot,
		}
		task, err := vm.Clone(ctx, folders.VmFolder, name, spec)
		if err != nil {
			return nil, err
		}
		info, err := task.WaitForResult(ctx, nil)
		if err != nil {
			return nil, err
		}
		clone := object.NewVirtualMachine(client.Client, info.Result.(types.ManagedObjectReference))
		for _, step := range []func(context.Context) (*object.Task, error){clone.PowerOn, clone.PowerOff, clone.PowerOn} {
			task, err := step(ctx)
			if err != nil {
				return nil, err
			}
			if err := task.Wait(ctx); err != nil {
				return nil, err
			}
		}
		return clone, nil
	}

	clones := make([]*object.VirtualMachine, *desktops)
	failures := make(chan error, *desktops)
	next := make(chan int)
	var wg sync.WaitGroup
	started := time.Now()
	for worker := 0; worker < *concurrency; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for index := range next {
				clone, err := desktop(index)
				if err != nil {
					failures <- err
					continue
				}
				clones[index] = clone
			}
		}()
	}
	for index := 0; index < *desktops; index++ {
		next <- index
	}
	close(next)
	wg.Wait()
	seconds := time.Since(started).Seconds()
	close(failures)
	for err := range failures {
		log.Fatal(err)
	}

	check(json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"desktops": *desktops, "concurrency": *concurrency, "seconds": seconds, "desktopsPerS": float64(*desktops) / seconds}))
	// The caller reads the simulator's counts, then says go on (a line on stdin, or its end).
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')

	// Not timed: leave the simulator as it was.
	var teardown sync.WaitGroup
	limit := make(chan struct{}, *concurrency)
	for _, clone := range clones {
		teardown.Add(1)
		limit <- struct{}{}
		go func(clone *object.VirtualMachine) {
			defer func() { <-limit; teardown.Done() }()
			if task, err := clone.PowerOff(ctx); err == nil {
				_ = task.Wait(ctx)
			}
			if task, err := clone.Destroy(ctx); err == nil {
				_ = task.Wait(ctx)
			}
		}(clone)
	}
	teardown.Wait()
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
