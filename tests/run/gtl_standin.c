/* TEST-ONLY stand-in for Cray's GPU Transfer Library (libmpi_gtl_hsa / libmpi_gtl_cuda), for
 * the GTL on/off cells of tests/run/run_matrix_full.sh. It is named libmpi_gtl_testonly.so so
 * that provenance reports it as a GTL (prefix libmpi_gtl_) while its name says what it is. It
 * does nothing: the MPIs here are not Cray MPICH and never call a GTL. Cells with it measure
 * only what loading one more library (LD_PRELOAD, MPICH_GPU_SUPPORT_ENABLED=1) costs, which is
 * what bbd run's GTL plumbing must carry through every mode; what the real GTL does to
 * latency and bandwidth can be learnt on a Cray system only. Never part of an image. */
const char bbd_gtl_standin[] = "bitbulldozer TEST-ONLY GTL stand-in (not Cray GTL)";
