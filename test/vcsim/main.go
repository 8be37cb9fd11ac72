// vcsim for vdibench's tests: govmomi's vCenter simulator (Debian package
// golang-github-vmware-govmomi-dev, 0.24) as a server, with TLS, fixed credentials, a
// golden image with a snapshot, and an API version of our choosing.
//
// govmomi 0.24's simulator has no InstantClone_Task. It is EMULATED here through the
// library's own object-wrapping mechanism (simulator.Map.Put of a type whose first field
// embeds the simulator's VirtualMachine, as in its example_extend_test.go; the embedding is
// by value so the PropertyCollector can still reach the mo.VirtualMachine inside, see
// getManagedObject): an instant-clone parent — recognised by Horizon's naming, "cp-parent"
// in its name — is wrapped when it powers on, and the wrapper's InstantCloneTask clones it
// on the parent's host (a new VM with the parent's hardware) and powers it on. Only parents are wrapped: the simulator's own
// code asserts *simulator.VirtualMachine in places (snapshots), which other VMs go through.
// Memory sharing and vmFork timing are not emulated. The fork gets the extraConfig of the
// request's spec.config, as vSphere's InstantClone_Task does.
//
// govmomi 0.24's RevertToSnapshot_Task only makes the snapshot the VM's current one. In
// vSphere the VM takes the snapshot's power state, and a snapshot taken without memory (the
// only kind main.go and vdibench take; the simulator keeps no memory flag) is a powered-off
// one: revertPowersOff powers the VM off once the simulator's revert has succeeded, through
// the simulator's own PowerOffVM_Task in the caller's session (before the revert's answer
// goes out; the observer does not count it).
//
// Faults for the tests, through the library's own mechanisms:
//   - -method-delay CloneVM_Task=300,PowerOnVM_Task=100 delays those SOAP methods (the
//     simulator's DelayConfig.MethodDelay), so a run lasts long enough to be disturbed;
//   - -task-delay CloneVM_Task=1500 makes those tasks take that long (observe.go, which also
//     counts calls, logins, live property filters and tasks in flight: GET /vdibench/stats);
//     -delay-jitter 0.1 adds jitter to both kinds of delay;
//   - SIGUSR1 terminates every session but the one it logs in with (SessionManager's
//     TerminateSession, as an administrator would), as an expired session would end;
//   - SIGSTOP / SIGCONT (sent by the test) stall and resume the whole server.
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build -o vcsim .
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// instantCloneTaskBody is the SOAP body of InstantClone_Task (absent from govmomi 0.24's methods).
type instantCloneTaskBody struct {
	Req    *types.InstantClone_Task         `xml:"urn:vim25 InstantClone_Task,omitempty"`
	Res    *types.InstantClone_TaskResponse `xml:"InstantClone_TaskResponse,omitempty"`
	Fault_ *soap.Fault                      `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *instantCloneTaskBody) Fault() *soap.Fault { return b.Fault_ }

// ForkableVM adds InstantClone_Task to a running VM. It replaces the VM in the registry
// and from then on is the VM.
type ForkableVM struct {
	simulator.VirtualMachine
}

func (vm *ForkableVM) InstantCloneTask(ctx *simulator.Context, req *types.InstantClone_Task) soap.HasFault {
	body := &instantCloneTaskBody{}
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		body.Fault_ = simulator.Fault("the source of an instant clone must be powered on", &types.InvalidPowerState{
			RequestedState: types.VirtualMachinePowerStatePoweredOn,
			ExistingState:  vm.Runtime.PowerState,
		})
		return body
	}
	// The fork shares its parent's disks and memory in vSphere; here it is a new VM with the
	// parent's hardware, on the parent's host and pool, created by the folder as CloneVM_Task
	// itself does, then powered on.
	folder := simulator.Map.Get(*vm.Parent).(*simulator.Folder)
	datastore := vm.Config.Files.VmPathName
	if end := strings.Index(datastore, "]"); end > 0 {
		datastore = datastore[:end+1]
	}
	created := folder.CreateVMTask(ctx, &types.CreateVM_Task{
		This: folder.Self,
		Config: types.VirtualMachineConfigSpec{
			Name:        req.Spec.Name,
			ExtraConfig: req.Spec.Config,
			GuestId:     vm.Config.GuestId,
			NumCPUs:     vm.Config.Hardware.NumCPU,
			MemoryMB:    int64(vm.Config.Hardware.MemoryMB),
			Files:       &types.VirtualMachineFileInfo{VmPathName: datastore + " " + req.Spec.Name + "/" + req.Spec.Name + ".vmx"},
		},
		Pool: *vm.ResourcePool,
		Host: vm.Runtime.Host,
	}).(*methods.CreateVM_TaskBody)
	if created.Fault_ != nil {
		body.Fault_ = created.Fault_
		return body
	}
	task := simulator.Map.Get(created.Res.Returnval).(*simulator.Task)
	if task.Info.Error == nil {
		ref := task.Info.Result.(types.ManagedObjectReference)
		if forked, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok {
			forked.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: ref})
		}
	}
	body.Res = &types.InstantClone_TaskResponse{Returnval: task.Self}
	return body
}

// revertPowersOff serves RevertToSnapshot_Task as the simulator does, then powers the VM off
// as vSphere's revert to a memory-less snapshot leaves it (see the file comment).
type revertPowersOff struct{ inner http.Handler }

var revertTarget = regexp.MustCompile(`<(?:[\w.-]+:)?RevertToSnapshot_Task\b[^>]*>\s*<(?:[\w.-]+:)?_this[^>]*>([^<]+)<`)

func (h revertPowersOff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.inner.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	target := revertTarget.FindSubmatch(body)
	if target == nil {
		h.inner.ServeHTTP(w, r)
		return
	}
	recorder := httptest.NewRecorder()
	h.inner.ServeHTTP(recorder, r)
	if vm := revertedVMStillOn(recorder, string(target[1])); vm != "" {
		payload := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
			`<PowerOffVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">` + vm + `</_this></PowerOffVM_Task></soapenv:Body></soapenv:Envelope>`
		off := r.Clone(r.Context())
		off.Body = io.NopCloser(strings.NewReader(payload))
		off.ContentLength = int64(len(payload))
		h.inner.ServeHTTP(httptest.NewRecorder(), off)
	}
	for key, values := range recorder.Header() {
		w.Header()[key] = values
	}
	w.WriteHeader(recorder.Code)
	_, _ = w.Write(recorder.Body.Bytes())
}

// revertedVMStillOn is the VM of the snapshot when the revert's task succeeded and the VM is powered on, else "".
func revertedVMStillOn(recorder *httptest.ResponseRecorder, snapshot string) string {
	response := recorder.Body.Bytes()
	if recorder.Code != http.StatusOK || bytes.Contains(response, faultInBody) {
		return ""
	}
	match := taskReturn.FindSubmatch(response)
	if match == nil {
		return ""
	}
	task, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "Task", Value: string(match[2])}).(*simulator.Task)
	if !ok || task.Info.State != types.TaskInfoStateSuccess {
		return ""
	}
	snap, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "VirtualMachineSnapshot", Value: snapshot}).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return ""
	}
	var power types.VirtualMachinePowerState
	switch vm := simulator.Map.Get(snap.Vm).(type) {
	case *simulator.VirtualMachine:
		power = vm.Runtime.PowerState
	case *ForkableVM:
		power = vm.Runtime.PowerState
	}
	if power != types.VirtualMachinePowerStatePoweredOn {
		return ""
	}
	return snap.Vm.Value
}

// forkOnPowerOn wraps parent VMs when they power on, so they can be forked.
type forkOnPowerOn struct{ pattern string }

func (forkOnPowerOn) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "VdibenchHandler", Value: "instant-clone"}
}
func (forkOnPowerOn) PutObject(mo.Reference)                    {}
func (forkOnPowerOn) RemoveObject(types.ManagedObjectReference) {}
func (f forkOnPowerOn) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	for _, change := range changes {
		if change.Name != "runtime.powerState" {
			continue
		}
		vm, ok := simulator.Map.Get(obj.Reference()).(*simulator.VirtualMachine)
		if ok && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && strings.Contains(vm.Name, f.pattern) {
			simulator.Map.Put(&ForkableVM{VirtualMachine: *vm})
		}
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	user := flag.String("user", "vdibench", "user name")
	password := flag.String("password", "vdibench-pass", "password")
	apiVersion := flag.String("api-version", "7.0", "vSphere API version the server reports")
	hosts := flag.Int("hosts", 4, "hosts in the cluster")
	golden := flag.String("golden", "golden-win10", "name of the golden image VM")
	snapshot := flag.String("snapshot", "base", "name of the golden image's snapshot")
	certOut := flag.String("cert-out", "", "write the server's TLS certificate (PEM) here")
	forkPattern := flag.String("fork-pattern", "cp-parent", "VMs whose name contains this can be instant-cloned once powered on")
	methodDelay := flag.String("method-delay", "", "delays of SOAP methods in ms, e.g. CloneVM_Task=300,PowerOnVM_Task=100")
	taskDelay := flag.String("task-delay", "", "how long the tasks of these methods take, in ms, e.g. CloneVM_Task=1500,PowerOnVM_Task=400 (observe.go)")
	jitter := flag.Float64("delay-jitter", 0, "jitter of every delay, as a coefficient of variation (stddev/mean), e.g. 0.1")
	flag.Parse()

	model := simulator.VPX()
	model.Datacenter = 1
	model.Cluster = 1
	model.ClusterHost = *hosts
	model.Host = 0
	model.Machine = 1
	model.Datastore = 1
	model.ServiceContent.About.ApiVersion = *apiVersion
	model.ServiceContent.About.Version = *apiVersion + ".0"
	model.ServiceContent.About.FullName = "VMware vCenter Server " + *apiVersion + ".0 (govmomi simulator for vdibench)"
	if *methodDelay != "" {
		model.DelayConfig.MethodDelay = parseDelays("-method-delay", *methodDelay)
	}
	model.DelayConfig.DelayJitter = *jitter
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	simulator.Map.AddHandler(forkOnPowerOn{pattern: *forkPattern})
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *password)}
	server := model.Service.NewServer()
	// Before any request: the observer sees every call (observe.go).
	server.Config.Handler = newObserver(revertPowersOff{inner: server.Config.Handler}, parseDelays("-task-delay", *taskDelay), *jitter)

	if *certOut != "" {
		file, err := os.Create(*certOut)
		if err != nil {
			log.Fatal(err)
		}
		_ = pem.Encode(file, &pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
		_ = file.Close()
	}
	if err := prepareGolden(server.URL, *golden, *snapshot); err != nil {
		log.Fatal(err)
	}

	u := *server.URL
	u.User = nil
	fmt.Printf("VCSIM_URL=%s\n", u.String())
	os.Stdout.Sync()

	terminate := make(chan os.Signal, 1)
	signal.Notify(terminate, syscall.SIGUSR1)
	go func() {
		for range terminate {
			if err := terminateSessions(server.URL); err != nil {
				log.Printf("terminating sessions: %v", err)
			}
		}
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	server.Close()
	model.Remove()
}

// parseDelays reads Method=ms,Method=ms.
func parseDelays(option, value string) map[string]int {
	delays := map[string]int{}
	if value == "" {
		return delays
	}
	for _, item := range strings.Split(value, ",") {
		parts := strings.SplitN(item, "=", 2)
		ms, err := strconv.Atoi(parts[len(parts)-1])
		if len(parts) != 2 || err != nil {
			log.Fatalf("%s %s: expected Method=milliseconds", option, item)
		}
		delays[parts[0]] = ms
	}
	return delays
}

// terminateSessions ends every session but its own (SessionManager.TerminateSession), then
// logs out; it prints VCSIM_TERMINATED=<count> when done.
func terminateSessions(u *url.URL) error {
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer client.Logout(ctx)
	var manager mo.SessionManager
	if err := client.RetrieveOne(ctx, *client.ServiceContent.SessionManager, []string{"sessionList", "currentSession"}, &manager); err != nil {
		return err
	}
	var others []string
	for _, session := range manager.SessionList {
		if manager.CurrentSession == nil || session.Key != manager.CurrentSession.Key {
			others = append(others, session.Key)
		}
	}
	if len(others) > 0 {
		if err := client.SessionManager.TerminateSession(ctx, others); err != nil {
			return err
		}
	}
	fmt.Printf("VCSIM_TERMINATED=%d\n", len(others))
	os.Stdout.Sync()
	return nil
}

// prepareGolden renames the model's first VM to the golden image, powers it off and snapshots it.
func prepareGolden(u *url.URL, name, snapshot string) error {
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer client.Logout(ctx)
	finder := find.NewFinder(client.Client, true)
	datacenter, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	finder.SetDatacenter(datacenter)
	vms, err := finder.VirtualMachineList(ctx, "*")
	if err != nil || len(vms) == 0 {
		return fmt.Errorf("no VM in the model: %v", err)
	}
	vm := vms[0]
	if task, err := vm.PowerOff(ctx); err == nil {
		_ = task.Wait(ctx)
	}
	task, err := vm.Rename(ctx, name)
	if err != nil {
		return err
	}
	if err := task.Wait(ctx); err != nil {
		return err
	}
	task, err = vm.CreateSnapshot(ctx, snapshot, "vdibench golden image", false, false)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}
