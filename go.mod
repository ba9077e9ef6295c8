module shequ

go 1.26
