package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// client talks to a yuqing server's HTTP API.
type client struct {
	base string
	// token is sent as a bearer token when set (--token or YUQING_TOKEN).
	token string
	http  *http.Client
	// retries bounds attempts on 429/503 and connection errors.
	retries int
}

// newClient returns a client of server authenticating with the command's
// --token flag (default: $YUQING_TOKEN).
func newClient(cmd *cobra.Command, server string) *client {
	token, _ := cmd.Flags().GetString("token")
	if token == "" {
		token = os.Getenv("YUQING_TOKEN")
	}
	return &client{base: strings.TrimRight(server, "/"), token: token, http: &http.Client{Timeout: 2 * time.Minute}, retries: 8}
}

// apiError is the server's JSON error envelope.
type apiError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
	// Position is where in the query a bad_query error is (runes).
	Position *int `json:"position"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// do sends a request and decodes a 2xx JSON answer into out. Answers 429
// and 503 and connection errors are retried with backoff (ingest is
// idempotent by id, so a retried batch never duplicates).
func (c *client) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		status, data, retryAfter, err := c.once(ctx, method, path, contentType, body)
		retry := err != nil || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
		if !retry || attempt >= c.retries || ctx.Err() != nil {
			if err != nil {
				return fmt.Errorf("%s %s: %w", method, c.base+path, err)
			}
			return decodeAnswer(status, data, out)
		}
		if retryAfter > 0 {
			delay = retryAfter
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

func (c *client) once(ctx context.Context, method, path, contentType string, body []byte) (int, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, 0, err
	}
	var ra time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		ra = time.Duration(s) * time.Second
	}
	return resp.StatusCode, data, ra, nil
}

// decodeAnswer decodes a 2xx body into out, or the error envelope. A 400
// answer to ingest still carries the per-record report, so out is filled
// from it too.
func decodeAnswer(status int, data []byte, out any) error {
	if status/100 == 2 {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decoding answer: %w", err)
		}
		return nil
	}
	var env struct {
		Error apiError `json:"error"`
	}
	if err := json.Unmarshal(data, &env); err != nil || env.Error.Code == "" {
		return &apiError{Status: status, Code: "http_" + strconv.Itoa(status), Message: strings.TrimSpace(string(data))}
	}
	if out != nil {
		_ = json.Unmarshal(data, out)
	}
	env.Error.Status = status
	return &env.Error
}
