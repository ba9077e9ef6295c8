package visitsweb

import "shequ/internal/fault"

var errNoUnit = fault.New(fault.NotFound, "没有这个组织单元,或不在您的管辖范围内")
