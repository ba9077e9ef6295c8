// Package notify sends notifications (SMS to residents and staff) through an
// outbox table (migration 041). A capability enqueues a message inside the
// transaction of the change it announces, so that the message exists if and
// only if the change does:
//
//	err := notify.Enqueue(ctx, tx, notify.Message{
//		Community: ev.CommunityID,
//		Key:       fmt.Sprintf("event:%d:dispatched:%d", ev.ID, step.ID), // idempotency key
//		To:        phone,
//		Body:      "【城北社区】您反映的问题已派遣至城市管理部门办理,受理号 E2611300001。",
//		Ref:       fmt.Sprintf("event:%d", ev.ID),
//	})
//
// A Dispatcher, started once per server (go d.Run(ctx)), sends pending
// messages through a Sender, retrying failures with exponential backoff
// (30 s doubling to 1 h, with jitter) up to MaxAttempts, after which a
// message is marked failed and can be requeued. The outbox is the queue:
// messages survive restarts, and a dispatcher that dies while holding a
// message loses only its lease, after which the message is sent again.
// Delivery is therefore at least once; the idempotency key goes to the
// gateway (Idempotency-Key header, {{.Key}} in templates) so that it can
// drop repeats, and enqueueing the same key twice stores one message.
//
// Senders: LogSender (the default) logs that a message would be sent — its
// id, key, channel, reference and length, never the recipient or the text,
// since phone numbers and message text are personal data. HTTPSender posts
// to an SMS gateway described by a URL template and an optional body
// template (see HTTPConfig). A Sender returns Permanent(err) for failures
// that retrying cannot fix (a rejected number); others are retried.
package notify
