package asyncload

import (
	"context"
	"fmt"
	"net/http"

	"github.com/stlview/stlview/internal/mesh"
)

// fetch downloads and decodes the URL j.key, streaming the body into the
// decoder: progress follows the bytes received against the Content-Length.
// Config.HTTPTimeout bounds the whole exchange and Config.MaxSize the body;
// cancelling ctx aborts the request mid-body.
func (l *Loader) fetch(ctx context.Context, j *job) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.key, nil)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	defer resp.Body.Close() // read-only: closing cannot lose data
	size := resp.ContentLength
	if resp.StatusCode != http.StatusOK {
		return outcome{err: &StatusError{Code: resp.StatusCode, Status: resp.Status}, size: size}
	}
	if size > l.cfg.MaxSize {
		return outcome{err: fmt.Errorf("%w: Content-Length is %d bytes, over the %d-byte cap",
			mesh.ErrTooLarge, size, l.cfg.MaxSize), size: size}
	}
	j.size.Store(size)
	// With size -1 (no Content-Length) the decoder reads into memory and
	// stops at MaxSize with a mesh.ErrTooLarge error naming the URL.
	m, err := l.decoder(j).Decode(ctx, &countingReader{r: resp.Body, n: &j.read}, size)
	return outcome{mesh: m, err: err, size: size}
}
