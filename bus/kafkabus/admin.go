package kafkabus

import (
	"context"
	"errors"
	"fmt"

	"github.com/segmentio/kafka-go"
)

// Ping checks that the cluster answers a metadata request for the topics.
func (b *Bus) Ping(ctx context.Context, topics ...string) error {
	md, err := b.client.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("kafka %v: %w", b.cfg.Brokers, err)
	}
	for _, t := range md.Topics {
		if t.Error != nil {
			return fmt.Errorf("kafka topic %s: %w", t.Name, t.Error)
		}
	}
	return nil
}

// GroupLag returns how many records of topic group has not committed yet,
// summed over the topic's partitions (a partition the group never
// committed counts from its first offset). Any process can ask, member of
// the group or not: the API uses it for back-pressure.
func (b *Bus) GroupLag(ctx context.Context, group, topic string) (int64, error) {
	md, err := b.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("lag of %s on %s: metadata: %w", group, topic, err)
	}
	var parts []int
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return 0, fmt.Errorf("lag of %s on %s: %w", group, topic, t.Error)
		}
		for _, p := range t.Partitions {
			parts = append(parts, p.ID)
		}
	}
	if len(parts) == 0 {
		return 0, fmt.Errorf("lag of %s on %s: no partitions", group, topic)
	}
	reqs := make([]kafka.OffsetRequest, 0, 2*len(parts))
	for _, p := range parts {
		reqs = append(reqs, kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
	}
	lo, err := b.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, fmt.Errorf("lag of %s on %s: list offsets: %w", group, topic, err)
	}
	first, last := map[int]int64{}, map[int]int64{}
	for _, po := range lo.Topics[topic] {
		if po.Error != nil {
			return 0, fmt.Errorf("lag of %s on %s partition %d: %w", group, topic, po.Partition, po.Error)
		}
		first[po.Partition], last[po.Partition] = po.FirstOffset, po.LastOffset
	}
	of, err := b.client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return 0, fmt.Errorf("lag of %s on %s: offset fetch: %w", group, topic, err)
	}
	if of.Error != nil && !errors.Is(of.Error, kafka.GroupIdNotFound) { // no group: nothing committed
		return 0, fmt.Errorf("lag of %s on %s: %w", group, topic, of.Error)
	}
	committed := map[int]int64{}
	for _, p := range of.Topics[topic] {
		if p.Error == nil {
			committed[p.Partition] = p.CommittedOffset
		}
	}
	var lag int64
	for _, p := range parts {
		base := first[p]
		if c, ok := committed[p]; ok && c >= 0 {
			base = c
		}
		lag += max(last[p]-base, 0)
	}
	return lag, nil
}
