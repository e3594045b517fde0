package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names a bucket (and a folder in it) on an S3-compatible object store: Amazon
// S3, MinIO, Ceph, the object stores of Chinese clouds. Several server processes that
// share one PostgreSQL share their uploads through it.
type S3Config struct {
	Endpoint string // host:port of the store's API; default s3.amazonaws.com
	Region   string // empty: the store's default
	Bucket   string
	Prefix   string // a folder in the bucket ("safeduty/files"), without slashes at its ends
	Secure   bool   // HTTPS (default true)
	// AccessKey and SecretKey sign the requests; never part of a URL or a log line.
	AccessKey, SecretKey string
	// Transport carries the requests; nil: Go's default (set one for a private CA).
	Transport http.RoundTripper
}

// S3Scheme starts a --files value that names an S3 store instead of a folder.
const S3Scheme = "s3://"

// IsS3URL reports whether a --files value names an S3 store.
func IsS3URL(s string) bool { return strings.HasPrefix(s, S3Scheme) }

// ParseS3URL reads s3://bucket/prefix?endpoint=host:port&region=…&secure=false. The
// credentials are not in the URL: a URL carrying a user or password is refused, since
// URLs end up in shell histories, process lists and logs.
func ParseS3URL(s string) (S3Config, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("files store: %q is not an s3://bucket/prefix URL", redactURL(s))
	}
	if u.User != nil {
		return S3Config{}, errors.New("files store: the s3:// URL must not carry credentials; set SAFEDUTY_S3_ACCESS_KEY and SAFEDUTY_S3_SECRET_KEY")
	}
	c := S3Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: "s3.amazonaws.com", Secure: true}
	if c.Bucket == "" {
		return S3Config{}, errors.New("files store: the s3:// URL names no bucket (s3://bucket/prefix)")
	}
	if c.Prefix != "" && !validKey.MatchString(c.Prefix) {
		return S3Config{}, fmt.Errorf("files store: prefix %q: use letters, digits, - and _ in segments separated by /", c.Prefix)
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "secure":
		default:
			return S3Config{}, fmt.Errorf("files store: unknown s3:// URL parameter %q (known: endpoint, region, secure)", k)
		}
	}
	if v := q.Get("endpoint"); v != "" {
		c.Endpoint = v
	}
	c.Region = q.Get("region")
	if v := q.Get("secure"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return S3Config{}, fmt.Errorf("files store: secure=%q: want true or false", v)
		}
		c.Secure = b
	}
	return c, nil
}

// redactURL drops anything that looks like credentials from s before it is shown.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User("REDACTED")
		return u.String()
	}
	if i := strings.Index(s, "@"); i >= 0 {
		return "…" + s[i:]
	}
	return s
}

// String names the bucket and endpoint, never the credentials.
func (c S3Config) String() string {
	scheme := "https"
	if !c.Secure {
		scheme = "http"
	}
	return fmt.Sprintf("s3://%s/%s (%s://%s)", c.Bucket, c.Prefix, scheme, c.Endpoint)
}

// s3PartSize is the part size of an upload whose size is not known in advance: the
// smallest S3 allows, since each concurrent upload holds one part in memory.
const s3PartSize = 5 << 20

// S3Store keeps attachments as objects named prefix/key in one bucket.
//
// Open's reader is minio's *Object, which seeks (a seek makes the next read a ranged
// GET), so the content route answers Range requests as it does from a LocalStore.
type S3Store struct {
	Config S3Config
	client *minio.Client
}

// NewS3Store connects to the store and checks that the bucket exists (it is not
// created: the bucket's policy, versioning and lifecycle are the operator's choice).
func NewS3Store(ctx context.Context, c S3Config) (*S3Store, error) {
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("files store: " + c.String() + " needs SAFEDUTY_S3_ACCESS_KEY and SAFEDUTY_S3_SECRET_KEY")
	}
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:    c.Secure,
		Region:    c.Region,
		Transport: c.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("files store %s: %w", c, err)
	}
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("files store %s: %w", c, err)
	}
	if !ok {
		return nil, fmt.Errorf("files store %s: bucket %q does not exist; create it first", c, c.Bucket)
	}
	return &S3Store{Config: c, client: cl}, nil
}

func (s *S3Store) object(key string) (string, error) {
	if !validKey.MatchString(key) {
		return "", fmt.Errorf("attachment: invalid storage key %q", key)
	}
	if s.Config.Prefix == "" {
		return key, nil
	}
	return path.Join(s.Config.Prefix, key), nil
}

// Put uploads r under key. A reader made by WithSize goes up in one request; any other
// is streamed in parts of 5 MiB. S3 writes an object whole or not at all.
func (s *S3Store) Put(ctx context.Context, key string, r io.Reader) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	size := int64(-1)
	if sr, ok := r.(sized); ok {
		size = sr.n
	}
	_, err = s.client.PutObject(ctx, s.Config.Bucket, name, ctxReader{ctx, r}, size,
		minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("files store: put %s: %w", key, err)
	}
	return nil
}

// Open returns the object under key; fs.ErrNotExist when there is none. The first
// request is sent here, so a missing object is known before anything is written to a
// response.
func (s *S3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.Config.Bucket, name, minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if err != nil {
		if obj != nil {
			obj.Close()
		}
		if isS3NotFound(err) {
			return nil, fs.ErrNotExist
		}
		return nil, fmt.Errorf("files store: open %s: %w", key, err)
	}
	return obj, nil
}

// Delete removes the object under key; S3 deletes a missing object without error.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	err = s.client.RemoveObject(ctx, s.Config.Bucket, name, minio.RemoveObjectOptions{})
	if err != nil && !isS3NotFound(err) {
		return fmt.Errorf("files store: delete %s: %w", key, err)
	}
	return nil
}

func isS3NotFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == minio.NoSuchKey || r.StatusCode == http.StatusNotFound && r.Code != minio.NoSuchBucket
}

// WithSize tells a Store that r holds exactly n bytes, so that it can send them in one
// request of known length (an S3 store otherwise uploads in parts). Stores that write
// to disk or memory just read r.
func WithSize(r io.Reader, n int64) io.Reader { return sized{r, n} }

type sized struct {
	io.Reader
	n int64
}
