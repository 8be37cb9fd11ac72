// What the tests and the benchmark observe from the server side, and task latencies.
//
// observer wraps the simulator's HTTP handler (server.Config.Handler):
//   - it counts SOAP calls per method, successful Logins, and the property filters alive
//     (CreateFilter minus DestroyPropertyFilter since the last reset, with the maximum
//     reached; a filter that ends with its session or collector is not seen to end);
//   - with -task-delay Method=ms (and -delay-jitter), a task that method starts completes
//     only after that delay: the call is served by the simulator as usual (its task ends
//     inside the call, in govmomi 0.24), then the client is given, instead of that task, a
//     stand-in Task created through the library (simulator.CreateTask, so it is a real
//     managed object: readable, followed with WaitForUpdatesEx, listed in recentTask) that
//     is running and takes the inner task's result or error when the delay is over. Work
//     the task did (a clone created, a VM powered on) is visible before the task ends;
//     the task's completion is what is delayed, as a vCenter's clone takes its time;
//   - it records, per delayed method, how many such tasks are in flight (and the most at
//     once), and each task's start and end;
//   - GET /vdibench/stats answers all of that as JSON; ?reset=1 then starts the counts over.
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type taskTiming struct {
	Method  string  `json:"method"`
	StartMs float64 `json:"startMs"`
	EndMs   float64 `json:"endMs"`
}

type observer struct {
	inner     http.Handler
	taskDelay map[string]int
	jitter    float64

	mu             sync.Mutex
	calls          map[string]int
	logins         int
	liveFilters    int
	maxLiveFilters int
	inFlight       map[string]int
	maxInFlight    map[string]int
	tasks          []taskTiming
	random         *rand.Rand
}

func newObserver(inner http.Handler, taskDelay map[string]int, jitter float64) *observer {
	o := &observer{inner: inner, taskDelay: taskDelay, jitter: jitter, random: rand.New(rand.NewSource(time.Now().UnixNano()))}
	o.reset()
	return o
}

func (o *observer) reset() {
	o.calls = map[string]int{}
	o.logins = 0
	o.liveFilters = 0
	o.maxLiveFilters = 0
	o.inFlight = map[string]int{}
	o.maxInFlight = map[string]int{}
	o.tasks = nil
}

var (
	bodyMethod  = regexp.MustCompile(`<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z_]+)`)
	taskReturn  = regexp.MustCompile(`(<returnval[^>]*type="Task"[^>]*>)([^<]+)(</returnval>)`)
	faultInBody = []byte("Fault>")
)

func msOf(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/vdibench/stats" {
		o.serveStats(w, r)
		return
	}
	if r.Method != http.MethodPost {
		o.inner.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	method := ""
	if match := bodyMethod.FindSubmatch(body); match != nil {
		method = string(match[1])
	}
	recorder := httptest.NewRecorder()
	o.inner.ServeHTTP(recorder, r)
	response := recorder.Body.Bytes()
	failed := recorder.Code != http.StatusOK || bytes.Contains(response, faultInBody)

	o.mu.Lock()
	o.calls[method]++
	if !failed {
		switch method {
		case "Login":
			o.logins++
		case "CreateFilter":
			o.liveFilters++
			if o.liveFilters > o.maxLiveFilters {
				o.maxLiveFilters = o.liveFilters
			}
		case "DestroyPropertyFilter":
			o.liveFilters--
		}
	}
	o.mu.Unlock()

	if delay, ok := o.taskDelay[method]; ok && !failed {
		response = o.delayTask(method, delay, response)
	}
	for key, values := range recorder.Header() {
		w.Header()[key] = values
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(response)))
	w.WriteHeader(recorder.Code)
	_, _ = w.Write(response)
}

// delayTask replaces the task in a *_Task response by a stand-in that ends after the delay.
func (o *observer) delayTask(method string, delayMs int, response []byte) []byte {
	match := taskReturn.FindSubmatch(response)
	if match == nil {
		return response
	}
	inner, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "Task", Value: string(match[2])}).(*simulator.Task)
	if !ok {
		return response
	}
	entity := types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}
	if inner.Info.Entity != nil {
		entity = *inner.Info.Entity
	}
	name := inner.Info.DescriptionId[strings.LastIndex(inner.Info.DescriptionId, ".")+1:]
	standIn := simulator.CreateTask(entity, name, nil)
	start := time.Now()
	simulator.Map.WithLock(standIn, func() {
		simulator.Map.Update(standIn, []types.PropertyChange{{Name: "info.startTime", Val: start}, {Name: "info.state", Val: types.TaskInfoStateRunning}})
	})
	o.mu.Lock()
	o.inFlight[method]++
	if o.inFlight[method] > o.maxInFlight[method] {
		o.maxInFlight[method] = o.inFlight[method]
	}
	wait := float64(delayMs)
	if o.jitter > 0 {
		wait += o.random.NormFloat64() * o.jitter * wait
	}
	o.mu.Unlock()
	if wait < 0 {
		wait = 0
	}
	go func() {
		time.Sleep(time.Duration(wait * float64(time.Millisecond)))
		end := time.Now()
		// Counted out before the client can see the task end.
		o.mu.Lock()
		o.inFlight[method]--
		o.tasks = append(o.tasks, taskTiming{Method: method, StartMs: msOf(start), EndMs: msOf(end)})
		o.mu.Unlock()
		var fault interface{}
		if inner.Info.Error != nil {
			fault = *inner.Info.Error
		}
		simulator.Map.WithLock(standIn, func() {
			simulator.Map.Update(standIn, []types.PropertyChange{
				{Name: "info.completeTime", Val: end},
				{Name: "info.state", Val: inner.Info.State},
				{Name: "info.result", Val: inner.Info.Result},
				{Name: "info.error", Val: fault},
			})
		})
	}()
	out := make([]byte, 0, len(response))
	out = append(out, response[:bytes.Index(response, match[0])]...)
	out = append(out, match[1]...)
	out = append(out, standIn.Self.Value...)
	out = append(out, match[3]...)
	return append(out, response[bytes.Index(response, match[0])+len(match[0]):]...)
}

func (o *observer) serveStats(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	inFlight := 0
	for _, n := range o.inFlight {
		inFlight += n
	}
	payload, _ := json.Marshal(map[string]interface{}{
		"calls": o.calls, "logins": o.logins, "liveFilters": o.liveFilters, "maxLiveFilters": o.maxLiveFilters,
		"inFlight": inFlight, "maxInFlight": o.maxInFlight, "tasks": o.tasks,
	})
	if r.URL.Query().Get("reset") == "1" {
		o.reset()
	}
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(payload)
}
