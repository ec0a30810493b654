#pragma once
// FailingSyncVfs: a SQLite VFS that passes everything to the platform's own ("unix") except that,
// once armed, every xSync fails with SQLITE_IOERR_FSYNC, as a disk that returns EIO to fsync.
// Registered as the default for the life of the object, so a queue opened meanwhile uses it.
//
//   FailingSyncVfs vfs;          // before opening the database
//   vfs.fail_syncs(true);        // the next COMMIT with synchronous=FULL fails

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace triagent::testing_support {

class FailingSyncVfs {
 public:
  FailingSyncVfs() {
    real_ = sqlite3_vfs_find("unix");
    vfs_ = *real_;
    vfs_.zName = "triagent-failing-sync";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &FailingSyncVfs::open;
    sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
  }
  ~FailingSyncVfs() {
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(real_, /*makeDflt=*/1);
  }
  FailingSyncVfs(const FailingSyncVfs&) = delete;
  FailingSyncVfs& operator=(const FailingSyncVfs&) = delete;

  void fail_syncs(bool fail) { failing_.store(fail); }
  int failed_syncs() const { return failed_.load(); }

 private:
  // Our file: the methods table first (SQLite's view), then the real file right after it.
  struct File {
    sqlite3_file base;
    FailingSyncVfs* owner;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
  };

  static File* file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
  static sqlite3_file* real(sqlite3_file* f) { return file(f)->real(); }

  static int open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    auto* self = static_cast<FailingSyncVfs*>(vfs->pAppData);
    File* ours = file(f);
    std::memset(ours, 0, sizeof(File));
    ours->owner = self;
    const int rc = self->real_->xOpen(self->real_, name, ours->real(), flags, out_flags);
    // A failed xOpen leaves pMethods null, so SQLite does not call xClose on it.
    if (ours->real()->pMethods != nullptr) ours->base.pMethods = &methods();
    return rc;
  }

  static int sync(sqlite3_file* f, int flags) {
    FailingSyncVfs* self = file(f)->owner;
    if (self->failing_.load()) {
      self->failed_.fetch_add(1);
      return SQLITE_IOERR_FSYNC;
    }
    return real(f)->pMethods->xSync(real(f), flags);
  }

  static const sqlite3_io_methods& methods() {
    static const sqlite3_io_methods m = [] {
      sqlite3_io_methods x{};
      x.iVersion = 3;
      x.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
      x.xRead = [](sqlite3_file* f, void* p, int n, sqlite3_int64 o) {
        return real(f)->pMethods->xRead(real(f), p, n, o);
      };
      x.xWrite = [](sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
        return real(f)->pMethods->xWrite(real(f), p, n, o);
      };
      x.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); };
      x.xSync = &FailingSyncVfs::sync;
      x.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); };
      x.xLock = [](sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); };
      x.xUnlock = [](sqlite3_file* f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); };
      x.xCheckReservedLock = [](sqlite3_file* f, int* out) {
        return real(f)->pMethods->xCheckReservedLock(real(f), out);
      };
      x.xFileControl = [](sqlite3_file* f, int op, void* arg) {
        return real(f)->pMethods->xFileControl(real(f), op, arg);
      };
      x.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
      x.xDeviceCharacteristics = [](sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); };
      x.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
      };
      x.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
        return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
      };
      x.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
      x.xShmUnmap = [](sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); };
      x.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** out) {
        return real(f)->pMethods->xFetch(real(f), o, n, out);
      };
      x.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) { return real(f)->pMethods->xUnfetch(real(f), o, p); };
      return x;
    }();
    return m;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  std::atomic<bool> failing_{false};
  std::atomic<int> failed_{0};
};

}  // namespace triagent::testing_support
