package app

import (
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/bus"
)

func TestStageRefusesRecordsOfANewerSchema(t *testing.T) {
	ok := []bus.Message{{Key: []byte("a")}, {Key: []byte("b"), Schema: bus.SchemaVersion}}
	if err := checkSchemas(ok); err != nil {
		t.Errorf("current and unversioned records: %v", err)
	}
	newer := append(ok, bus.Message{Key: []byte("c"), Partition: 2, Offset: 7, Schema: bus.SchemaVersion + 1})
	err := checkSchemas(newer)
	if err == nil || !strings.Contains(err.Error(), "record c at partition 2 offset 7 has schema version 2") {
		t.Errorf("newer record: %v", err)
	}
}
