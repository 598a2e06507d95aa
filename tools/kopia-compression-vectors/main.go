// Generates Kopia-style compressed contents (4-byte big-endian header id + stream) with the same
// libraries Kopia uses: klauspost/compress/s2 and pierrec/lz4.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"

	"github.com/klauspost/compress/s2"
	"github.com/pierrec/lz4"
)

func data() []byte {
	var b bytes.Buffer
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&b, "%d the quick brown fox jumps over the lazy dog\n", i%1000)
	}
	x := uint32(12345)
	for i := 0; i < 20000; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte(byte(x))
	}
	return b.Bytes()
}

func header(id uint32) *bytes.Buffer {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, id)
	return &b
}

func s2c(id uint32, in []byte, opts ...s2.WriterOption) []byte {
	b := header(id)
	w := s2.NewWriter(b, opts...)
	w.Write(in)
	w.Close()
	return b.Bytes()
}

func main() {
	in := data()
	out := os.Args[1]
	os.WriteFile(out+"/original.len", []byte(fmt.Sprint(len(in))), 0644)
	os.WriteFile(out+"/s2-default.bin", s2c(0x1200, in), 0644)
	os.WriteFile(out+"/s2-better.bin", s2c(0x1201, in, s2.WriterBetterCompression()), 0644)
	os.WriteFile(out+"/s2-parallel-4.bin", s2c(0x1202, in, s2.WriterConcurrency(4)), 0644)
	// a short content, as most small files are: one block
	os.WriteFile(out+"/s2-default-small.bin", s2c(0x1200, in[:5000]), 0644)
	b := header(0x1400)
	w := lz4.NewWriter(b)
	w.Write(in)
	w.Close()
	os.WriteFile(out+"/lz4.bin", b.Bytes(), 0644)
}
