//===- Version.h - the plugin's version, part of every record's producer --===//
#ifndef KLP_LTO_VERSION_H
#define KLP_LTO_VERSION_H
#include "llvm/Config/llvm-config.h"
#define KLP_LTO_VERSION "0.2"
#endif
