package state

import (
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// release drops from the process the pages of the state file's map that
// reading has made resident, so that a run's resident memory stays flat
// however large the state: the kernel keeps them in its page cache, and
// the next read of one maps it back in. bbolt maps the file read-only and
// shared, and writes through the file, so dropping a page never loses or
// changes anything. tx keeps the map in place (a remap waits for every
// open transaction); the map is at least tx.Size() bytes long.
func release(tx *bolt.Tx) {
	size := tx.Size()
	if size <= 0 {
		return
	}
	info := tx.DB().Info()
	// The map is not Go memory: its address is stable while tx is open.
	base := *(*unsafe.Pointer)(unsafe.Pointer(&info.Data))
	syscall.Madvise(unsafe.Slice((*byte)(base), size), syscall.MADV_DONTNEED)
}
