#include "optbench.h"

const char *ob_strerror(ob_status s) {
  switch (s) {
  case OB_OK: return "success";
  case OB_EINVAL:
    return "invalid argument (NULL array with n > 0, a float array not aligned to 4 bytes, "
           "unknown algorithm, or n too large)";
  case OB_EHPARAM:
    return "hyperparameter outside its domain (NaN, infinite, negative, a rate outside [0, 1), "
           "or a derived coefficient such as Adam's lr_t that overflows or is subnormal)";
  case OB_ESTEP: return "step number t must be >= 1";
  case OB_EOVERLAP: return "arrays of one call overlap";
  case OB_ESHAPE: return "array count or sizes differ from the optimizer's first update";
  case OB_EUNSUPPORTED: return "variant not supported by this CPU";
  case OB_ENOVARIANT: return "OPTBENCH_VARIANT names an unknown or unsupported variant";
  case OB_ENOMEM: return "out of memory";
  case OB_ERANGE:
    return "layer argument outside its domain (dropout ratio outside [0, 1), fan_in 0, an empty "
           "batch or no features, or an unknown kind)";
  case OB_STATUS_COUNT: break;
  }
  return "unknown status";
}
